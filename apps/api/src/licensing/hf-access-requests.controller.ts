import { Body, Controller, Get, HttpCode, Param, ParseEnumPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireScope } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { AcceptsUnknownQuery } from '../common/known-query.guard';
import { HfGrantAccessDto, HfHandleAccessRequestDto } from './dto/hf-access-request.dto';
import { HfAccessRequestsService, type HfAccessStatus } from './hf-access-requests.service';
import { RepoKindParam, type RepoKind } from '../models/repo-kind';

/** huggingface_hub's gated-repo access requests, over licence requests and grants (the model's admins). */
@ApiTags('hugging-face')
@AcceptsUnknownQuery()
@ApiBearerAuth()
@Controller(['api/models/:ns/:name/user-access-request', 'api/datasets/:ns/:name/user-access-request'])
export class HfAccessRequestsController {
  constructor(private readonly requests: HfAccessRequestsService) {}

  @Get(':status')
  @ApiOperation({ summary: "Users' licence requests of the model as access requests: pending, accepted or rejected" })
  list(
    @CurrentPrincipal() p: Principal,
    @RepoKindParam() kind: RepoKind,
    @Param('ns') ns: string,
    @Param('name') name: string,
    @Param('status', new ParseEnumPipe({ pending: 'pending', accepted: 'accepted', rejected: 'rejected' })) status: HfAccessStatus,
  ) {
    return this.requests.list(p, ns, name, kind, status);
  }

  @RequireScope('write')
  @Post('handle')
  @HttpCode(200)
  @ApiOperation({ summary: "Accept (approve) or reject a user's pending licence request" })
  async handle(
    @CurrentPrincipal() p: Principal,
    @RepoKindParam() kind: RepoKind,
    @Param('ns') ns: string,
    @Param('name') name: string,
    @Body() dto: HfHandleAccessRequestDto,
  ) {
    await this.requests.handle(p, ns, name, kind, dto.user, dto.status, dto.rejectionReason);
    return {};
  }

  @RequireScope('write')
  @Post('grant')
  @HttpCode(200)
  @ApiOperation({ summary: "Grant a user the model's single open licence offer at once" })
  async grant(
    @CurrentPrincipal() p: Principal,
    @RepoKindParam() kind: RepoKind,
    @Param('ns') ns: string,
    @Param('name') name: string,
    @Body() dto: HfGrantAccessDto,
  ) {
    await this.requests.grant(p, ns, name, kind, dto.user);
    return {};
  }
}
