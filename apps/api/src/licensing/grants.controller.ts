import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireScope } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { uuidParam } from '../common/uuid-param.pipe';
import { ListGrantsQuery } from './dto/licensing-queries.dto';
import { ReasonDto } from './dto/request.dto';
import { GrantsService } from './grants.service';
import { RepoKindParam, type RepoKind } from '../models/repo-kind';

@ApiTags('licensing')
@ApiBearerAuth()
@Controller('api/v1')
export class GrantsController {
  constructor(private readonly grants: GrantsService) {}

  @Get('orgs/:org/grants')
  @ApiOperation({ summary: 'Grants the organization holds (held) or issued on its models (issued); members read' })
  listForOrg(@CurrentPrincipal() p: Principal, @Param('org') org: string, @Query() q: ListGrantsQuery) {
    return this.grants.listForOrg(p, org, q);
  }

  @Get('me/grants')
  @ApiOperation({ summary: 'Grants you hold yourself' })
  mine(@CurrentPrincipal() p: Principal) {
    return this.grants.listMine(p);
  }

  @Get(['models/:namespace/:name/grants', 'datasets/:namespace/:name/grants'])
  @ApiOperation({ summary: "Every grant on a model (the model's admins)" })
  listForModel(@CurrentPrincipal() p: Principal, @RepoKindParam() kind: RepoKind, @Param('namespace') ns: string, @Param('name') name: string) {
    return this.grants.listForModel(p, ns, name, kind);
  }

  @RequireScope('write')
  @Post('grants/:id/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: "Revoke a grant with a reason (the model's admins); downloads stop at once" })
  revoke(@CurrentPrincipal() p: Principal, @Param('id', uuidParam()) id: string, @Body() dto: ReasonDto) {
    return this.grants.revoke(p, id, dto.reason);
  }
}
