import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireScope } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { uuidParam } from '../common/uuid-param.pipe';
import { ListMyRequestsQuery, ListRequestsQuery } from './dto/licensing-queries.dto';
import { ApproveRequestDto, CancelRequestDto, ReasonDto } from './dto/request.dto';
import { LicenseRequestsService } from './license-requests.service';

@ApiTags('licensing')
@ApiBearerAuth()
@Controller('api/v1')
export class LicenseRequestsController {
  constructor(private readonly requests: LicenseRequestsService) {}

  @Get('license-requests/:id')
  @ApiOperation({ summary: "A licence request (the requester's side or the model's admins)" })
  get(@CurrentPrincipal() p: Principal, @Param('id', uuidParam()) id: string) {
    return this.requests.get(p, id);
  }

  @RequireScope('write')
  @Post('license-requests/:id/approve')
  @HttpCode(200)
  @ApiOperation({ summary: "Approve a pending request and create its grant (the model's admins; 409 when not pending)" })
  approve(@CurrentPrincipal() p: Principal, @Param('id', uuidParam()) id: string, @Body() dto: ApproveRequestDto) {
    return this.requests.approve(p, id, dto);
  }

  @RequireScope('write')
  @Post('license-requests/:id/reject')
  @HttpCode(200)
  @ApiOperation({ summary: "Reject a pending request with a reason (the model's admins)" })
  reject(@CurrentPrincipal() p: Principal, @Param('id', uuidParam()) id: string, @Body() dto: ReasonDto) {
    return this.requests.reject(p, id, dto.reason);
  }

  @RequireScope('write')
  @Post('license-requests/:id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a pending request (the requester, or an admin of the organization it is for)' })
  cancel(@CurrentPrincipal() p: Principal, @Param('id', uuidParam()) id: string, @Body() dto: CancelRequestDto) {
    return this.requests.cancel(p, id, dto.reason);
  }

  @Get('orgs/:org/license-requests')
  @ApiOperation({ summary: "Requests for the organization's models (incoming) or made for it (outgoing); members read" })
  listForOrg(@CurrentPrincipal() p: Principal, @Param('org') org: string, @Query() q: ListRequestsQuery) {
    return this.requests.listForOrg(p, org, q);
  }

  @Get('me/license-requests')
  @ApiOperation({ summary: 'Requests you made for yourself (outgoing), or for the models of your personal namespace (incoming)' })
  mine(@CurrentPrincipal() p: Principal, @Query() q: ListMyRequestsQuery) {
    return this.requests.listMine(p, q);
  }
}
