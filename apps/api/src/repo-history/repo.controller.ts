import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, Public, RequireScope } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { WildcardPath } from '../common/wildcard-path.decorator';
import { CreateBranchDto } from './dto/branch.dto';
import { CreateCommitDto } from './dto/commit-request.dto';
import { HistoryQuery, RevisionQuery, TreeQuery } from './dto/repo-queries.dto';
import { RepoApiService } from './repo-api.service';
import { RepoKindParam, type RepoKind } from '../models/repo-kind';
import { ApiBytes } from '../common/openapi/api-bytes.decorator';

@ApiTags('repository')
@ApiBearerAuth()
@Controller(['api/v1/models/:namespace/:name', 'api/v1/datasets/:namespace/:name'])
export class RepoController {
  constructor(private readonly api: RepoApiService) {}

  @Public()
  @Get('files')
  @ApiOperation({ summary: 'The file tree at a revision (path, recursive, expand, cursor, limit)' })
  files(
    @CurrentPrincipal() p: Principal | undefined,
    @RepoKindParam() kind: RepoKind,
    @Param('namespace') ns: string,
    @Param('name') name: string,
    @Query() q: TreeQuery,
  ) {
    return this.api.files(p, ns, name, kind, q);
  }

  @Public()
  @ApiBytes(200, 'application/octet-stream')
  @Get('files/*path')
  @ApiOperation({ summary: 'Download a file (GET) or its headers (HEAD): 302 to the bucket, or the bytes of inline files' })
  download(
    @CurrentPrincipal() p: Principal | undefined,
    @RepoKindParam() kind: RepoKind,
    @Param('namespace') ns: string,
    @Param('name') name: string,
    @WildcardPath('path') path: string,
    @Query() q: RevisionQuery,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    return this.api.download(p, ns, name, kind, path, q, req, res);
  }

  @Public()
  @Get('commits')
  @ApiOperation({ summary: 'Commit history of a revision, newest first' })
  history(
    @CurrentPrincipal() p: Principal | undefined,
    @RepoKindParam() kind: RepoKind,
    @Param('namespace') ns: string,
    @Param('name') name: string,
    @Query() q: HistoryQuery,
  ) {
    return this.api.commitsOf(p, ns, name, kind, q);
  }

  @RequireScope('write')
  @Post('commits')
  @ApiOperation({ summary: 'Commit operations atomically to a branch (409 parent_mismatch when parentCommit is not the head)' })
  commit(
    @CurrentPrincipal() p: Principal,
    @RepoKindParam() kind: RepoKind,
    @Param('namespace') ns: string,
    @Param('name') name: string,
    @Body() dto: CreateCommitDto,
  ) {
    return this.api.commit(p, ns, name, kind, dto);
  }

  @Public()
  @Get('refs')
  @ApiOperation({ summary: 'Branches and versions (tags) with their commits' })
  refs(@CurrentPrincipal() p: Principal | undefined, @RepoKindParam() kind: RepoKind, @Param('namespace') ns: string, @Param('name') name: string) {
    return this.api.refs(p, ns, name, kind);
  }

  @RequireScope('write')
  @Post('branches')
  @ApiOperation({ summary: 'Create a branch at a revision (409 branch_exists)' })
  createBranch(
    @CurrentPrincipal() p: Principal,
    @RepoKindParam() kind: RepoKind,
    @Param('namespace') ns: string,
    @Param('name') name: string,
    @Body() dto: CreateBranchDto,
  ) {
    return this.api.createBranch(p, ns, name, kind, dto);
  }

  @RequireScope('write')
  @Delete('branches/:branch')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a branch (not main)' })
  deleteBranch(
    @CurrentPrincipal() p: Principal,
    @RepoKindParam() kind: RepoKind,
    @Param('namespace') ns: string,
    @Param('name') name: string,
    @Param('branch') branch: string,
  ) {
    return this.api.deleteBranch(p, ns, name, kind, branch);
  }
}
