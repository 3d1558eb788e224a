import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { AccessStatusService } from './access-status.service';
import { AuditQuery, UsageQuery } from './dto/licensing-queries.dto';
import { LicenseReportsService } from './license-reports.service';
import { RepoKindParam, type RepoKind } from '../models/repo-kind';
import { ApiBytes } from '../common/openapi/api-bytes.decorator';

@ApiTags('licensing')
@ApiBearerAuth()
@Controller('api/v1')
export class LicenseReportsController {
  constructor(
    private readonly accessStatus: AccessStatusService,
    private readonly reports: LicenseReportsService,
  ) {}

  @Public()
  @Get(['models/:namespace/:name/access', 'datasets/:namespace/:name/access'])
  @ApiOperation({ summary: 'Whether you can download the files, through what (public, member, grant), and your request' })
  access(@CurrentPrincipal() p: Principal | undefined, @RepoKindParam() kind: RepoKind, @Param('namespace') ns: string, @Param('name') name: string) {
    return this.accessStatus.status(p, ns, name, kind);
  }

  @ApiBytes(200, 'text/csv')
  @Get(['models/:namespace/:name/usage', 'datasets/:namespace/:name/usage'])
  @ApiOperation({ summary: "Downloads under grants per licensee and period, JSON or CSV (the model's admins)" })
  usage(
    @CurrentPrincipal() p: Principal,
    @RepoKindParam() kind: RepoKind,
    @Param('namespace') ns: string,
    @Param('name') name: string,
    @Query() q: UsageQuery,
  ) {
    return this.reports.usage(p, ns, name, kind, q);
  }

  @Get('orgs/:org/audit')
  @ApiOperation({ summary: "The licence audit log of the organization's grants, either side (admins and owners)" })
  audit(@CurrentPrincipal() p: Principal, @Param('org') org: string, @Query() q: AuditQuery) {
    return this.reports.orgAudit(p, org, q);
  }
}
