import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public, RequireScope } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { CreateVersionDto, DeprecateVersionDto } from './dto/version.dto';
import { RepoApiService } from './repo-api.service';
import { RepoKindParam, type RepoKind } from '../models/repo-kind';

@ApiTags('versions')
@ApiBearerAuth()
@Controller(['api/v1/models/:namespace/:name/versions', 'api/v1/datasets/:namespace/:name/versions'])
export class VersionsController {
  constructor(private readonly api: RepoApiService) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'List versions, newest first, with their status' })
  list(@CurrentPrincipal() p: Principal | undefined, @RepoKindParam() kind: RepoKind, @Param('namespace') ns: string, @Param('name') name: string) {
    return this.api.listVersions(p, ns, name, kind);
  }

  @RequireScope('write')
  @Post()
  @ApiOperation({ summary: 'Create an immutable version of a revision (409 version_exists when the name is taken)' })
  create(
    @CurrentPrincipal() p: Principal,
    @RepoKindParam() kind: RepoKind,
    @Param('namespace') ns: string,
    @Param('name') name: string,
    @Body() dto: CreateVersionDto,
  ) {
    return this.api.createVersion(p, ns, name, kind, dto);
  }

  @Public()
  @Get('latest')
  @ApiOperation({ summary: 'The highest semver version that is not deprecated (else the newest)' })
  latest(@CurrentPrincipal() p: Principal | undefined, @RepoKindParam() kind: RepoKind, @Param('namespace') ns: string, @Param('name') name: string) {
    return this.api.latestVersion(p, ns, name, kind);
  }

  @Public()
  @Get(':version')
  @ApiOperation({ summary: 'Read a version' })
  get(
    @CurrentPrincipal() p: Principal | undefined,
    @RepoKindParam() kind: RepoKind,
    @Param('namespace') ns: string,
    @Param('name') name: string,
    @Param('version') version: string,
  ) {
    return this.api.getVersion(p, ns, name, kind, version);
  }

  @RequireScope('write')
  @Post(':version/deprecate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Deprecate a version, with a message' })
  deprecate(
    @CurrentPrincipal() p: Principal,
    @RepoKindParam() kind: RepoKind,
    @Param('namespace') ns: string,
    @Param('name') name: string,
    @Param('version') version: string,
    @Body() dto: DeprecateVersionDto,
  ) {
    return this.api.deprecateVersion(p, ns, name, kind, version, dto.message);
  }

  @RequireScope('write')
  @Delete(':version')
  @ApiOperation({ summary: 'Always 409 version_immutable: versions are never deleted (deprecate instead)' })
  remove(
    @CurrentPrincipal() p: Principal,
    @RepoKindParam() kind: RepoKind,
    @Param('namespace') ns: string,
    @Param('name') name: string,
    @Param('version') version: string,
  ) {
    return this.api.deleteVersion(p, ns, name, kind, version);
  }
}
