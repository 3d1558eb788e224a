import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Public, RequireScope } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { HfCommitsQuery, HfCreateBranchDto, HfCreateTagDto, HfListModelsQuery, HfModelInfoQuery, HfPathsInfoDto, HfTreeQuery } from './dto/hf-query.dto';
import { HfRepoSettingsDto, HfSuperSquashDto } from './dto/hf-repo.dto';
import { HfModelsService } from './hf-models.service';
import { HfReposService } from './hf-repos.service';
import { isTruthyFlag } from './hf-commit.service';
import { send } from './send';
import { WildcardPath } from '../common/wildcard-path.decorator';
import { AcceptsUnknownQuery } from '../common/known-query.guard';
import { RepoKindParam, type RepoKind } from '../models/repo-kind';

@ApiTags('hugging-face')
@AcceptsUnknownQuery()
@ApiBearerAuth()
@Controller(['api/models', 'api/datasets'])
export class HfModelsController {
  constructor(
    private readonly hf: HfModelsService,
    private readonly repos: HfReposService,
  ) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'List models (Hugging Face format; paginated by an absolute Link header)' })
  list(
    @CurrentPrincipal() p: Principal | undefined,
    @RepoKindParam() kind: RepoKind,
    @Query() q: HfListModelsQuery,
    @Res({ passthrough: true }) res: Response,
  ) {
    return send(res, this.hf.list(p, kind, q));
  }

  @Public()
  @Get(':ns/:name')
  @ApiOperation({ summary: 'Model info at the main branch' })
  info(
    @CurrentPrincipal() p: Principal | undefined,
    @RepoKindParam() kind: RepoKind,
    @Param('ns') ns: string,
    @Param('name') name: string,
    @Query() q: HfModelInfoQuery,
  ) {
    return this.hf.info(p, ns, name, kind, undefined, isTruthyFlag(q.blobs));
  }

  @Public()
  @Get(':ns/:name/revision/:rev')
  @ApiOperation({ summary: 'Model info at a revision (HEAD, branch, version, commit id)' })
  infoAt(
    @CurrentPrincipal() p: Principal | undefined,
    @RepoKindParam() kind: RepoKind,
    @Param('ns') ns: string,
    @Param('name') name: string,
    @Param('rev') rev: string,
    @Query() q: HfModelInfoQuery,
  ) {
    return this.hf.info(p, ns, name, kind, rev, isTruthyFlag(q.blobs));
  }

  @Public()
  @Get(':ns/:name/tree/:rev')
  @ApiOperation({ summary: 'File tree at a revision (root)' })
  tree(
    @CurrentPrincipal() p: Principal | undefined,
    @RepoKindParam() kind: RepoKind,
    @Param('ns') ns: string,
    @Param('name') name: string,
    @Param('rev') rev: string,
    @Query() q: HfTreeQuery,
    @Res({ passthrough: true }) res: Response,
  ) {
    return send(res, this.hf.tree(p, ns, name, kind, rev, undefined, q));
  }

  @Public()
  @Get(':ns/:name/tree/:rev/*path')
  @ApiOperation({ summary: 'File tree at a revision under a folder' })
  treeAt(
    @CurrentPrincipal() p: Principal | undefined,
    @RepoKindParam() kind: RepoKind,
    @Param('ns') ns: string,
    @Param('name') name: string,
    @Param('rev') rev: string,
    @WildcardPath('path') path: string,
    @Query() q: HfTreeQuery,
    @Res({ passthrough: true }) res: Response,
  ) {
    return send(res, this.hf.tree(p, ns, name, kind, rev, path, q));
  }

  @Public()
  @Post(':ns/:name/paths-info/:rev')
  @HttpCode(200)
  @ApiOperation({ summary: 'Information on given paths at a revision' })
  pathsInfo(
    @CurrentPrincipal() p: Principal | undefined,
    @RepoKindParam() kind: RepoKind,
    @Param('ns') ns: string,
    @Param('name') name: string,
    @Param('rev') rev: string,
    @Body() dto: HfPathsInfoDto,
  ) {
    return this.hf.pathsInfo(p, ns, name, kind, rev, dto.paths, dto.expand);
  }

  @Public()
  @Get(':ns/:name/commits/:rev')
  @ApiOperation({ summary: 'Commit history of a revision, newest first' })
  commits(
    @CurrentPrincipal() p: Principal | undefined,
    @RepoKindParam() kind: RepoKind,
    @Param('ns') ns: string,
    @Param('name') name: string,
    @Param('rev') rev: string,
    @Query() q: HfCommitsQuery,
    @Res({ passthrough: true }) res: Response,
  ) {
    return send(res, this.hf.commits(p, ns, name, kind, rev, q));
  }

  @Public()
  @Get(':ns/:name/refs')
  @ApiOperation({ summary: 'Branches and tags (versions)' })
  refs(
    @CurrentPrincipal() p: Principal | undefined,
    @RepoKindParam() kind: RepoKind,
    @Param('ns') ns: string,
    @Param('name') name: string,
    @Query('include_prs') includePrs?: string,
  ) {
    return this.hf.refs(p, ns, name, kind, isTruthyFlag(includePrs));
  }

  @RequireScope('write')
  @Post(':ns/:name/tag/:rev')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create a version (immutable tag) on a revision; 409 if it exists' })
  createTag(
    @CurrentPrincipal() p: Principal,
    @RepoKindParam() kind: RepoKind,
    @Param('ns') ns: string,
    @Param('name') name: string,
    @Param('rev') rev: string,
    @Body() dto: HfCreateTagDto,
  ) {
    return this.hf.createTag(p, ns, name, kind, rev, dto.tag, dto.message);
  }

  @RequireScope('write')
  @Delete(':ns/:name/tag/:tag')
  @ApiOperation({ summary: 'Always 409: versions are immutable (deprecate instead)' })
  deleteTag(
    @CurrentPrincipal() p: Principal,
    @RepoKindParam() kind: RepoKind,
    @Param('ns') ns: string,
    @Param('name') name: string,
    @Param('tag') tag: string,
  ) {
    return this.hf.deleteTag(p, ns, name, kind, tag);
  }

  @RequireScope('write')
  @Post(':ns/:name/branch/:branch')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create a branch (from startingPoint, default main)' })
  createBranch(
    @CurrentPrincipal() p: Principal,
    @RepoKindParam() kind: RepoKind,
    @Param('ns') ns: string,
    @Param('name') name: string,
    @Param('branch') branch: string,
    @Body() dto: HfCreateBranchDto,
  ) {
    return this.hf.createBranch(p, ns, name, kind, branch, dto.startingPoint);
  }

  @RequireScope('write')
  @Delete(':ns/:name/branch/:branch')
  @ApiOperation({ summary: 'Delete a branch (not main)' })
  deleteBranch(
    @CurrentPrincipal() p: Principal,
    @RepoKindParam() kind: RepoKind,
    @Param('ns') ns: string,
    @Param('name') name: string,
    @Param('branch') branch: string,
  ) {
    return this.hf.deleteBranch(p, ns, name, kind, branch);
  }

  @Public()
  @Get(':ns/:name/auth-check')
  @ApiOperation({ summary: 'Whether the caller may read and download (404 RepoNotFound; 401/403 GatedRepo)' })
  authCheck(@CurrentPrincipal() p: Principal | undefined, @RepoKindParam() kind: RepoKind, @Param('ns') ns: string, @Param('name') name: string) {
    return this.repos.authCheck(p, ns, name, kind);
  }

  @RequireScope('write')
  @Post(':ns/:name/super-squash/:branch')
  @HttpCode(200)
  @ApiOperation({ summary: "Squash a branch's history into one commit (versions keep their commits)" })
  superSquash(
    @CurrentPrincipal() p: Principal,
    @RepoKindParam() kind: RepoKind,
    @Param('ns') ns: string,
    @Param('name') name: string,
    @Param('branch') branch: string,
    @Body() dto: HfSuperSquashDto,
  ) {
    return this.repos.superSquash(p, ns, name, kind, branch, dto.message);
  }

  @RequireScope('write')
  @Put(':ns/:name/settings')
  @ApiOperation({ summary: 'Change private / gated (namespace admins)' })
  settings(
    @CurrentPrincipal() p: Principal,
    @RepoKindParam() kind: RepoKind,
    @Param('ns') ns: string,
    @Param('name') name: string,
    @Body() dto: HfRepoSettingsDto,
  ) {
    return this.repos.updateSettings(p, ns, name, kind, dto);
  }
}
