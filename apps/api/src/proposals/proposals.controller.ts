import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public, RequireScope } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { ProposalCommentDto, ProposalListQuery, ProposalMergeDto, ProposalReviewDto, ProposalSettingsDto, ProposalStatusCommentDto } from './dto/proposal.dto';
import { ProposalApiService } from './proposal-api.service';
import { RepoKindParam, type RepoKind } from '../models/repo-kind';

@ApiTags('proposals')
@ApiBearerAuth()
@Controller('api/v1')
export class ProposalsController {
  constructor(private readonly api: ProposalApiService) {}

  @Public()
  @Get(['models/:ns/:name/proposals', 'datasets/:ns/:name/proposals'])
  @ApiOperation({ summary: 'Discussions and pull requests of a model, newest first (50 a page)' })
  list(
    @CurrentPrincipal() p: Principal | undefined,
    @RepoKindParam() kind: RepoKind,
    @Param('ns') ns: string,
    @Param('name') name: string,
    @Query() q: ProposalListQuery,
  ) {
    return this.api.list(p, ns, name, kind, q);
  }

  @Public()
  @Get(['models/:ns/:name/proposals/:num', 'datasets/:ns/:name/proposals/:num'])
  @ApiOperation({ summary: 'A proposal with its events, head, conflicting files and approvals' })
  get(
    @CurrentPrincipal() p: Principal | undefined,
    @RepoKindParam() kind: RepoKind,
    @Param('ns') ns: string,
    @Param('name') name: string,
    @Param('num', ParseIntPipe) num: number,
  ) {
    return this.api.get(p, ns, name, kind, num);
  }

  @Public()
  @Get(['models/:ns/:name/proposals/:num/diff', 'datasets/:ns/:name/proposals/:num/diff'])
  @ApiOperation({ summary: 'Per file added/changed/deleted/renamed, unified text diffs, safetensors tensor changes, security scans' })
  diff(
    @CurrentPrincipal() p: Principal | undefined,
    @RepoKindParam() kind: RepoKind,
    @Param('ns') ns: string,
    @Param('name') name: string,
    @Param('num', ParseIntPipe) num: number,
  ) {
    return this.api.diff(p, ns, name, kind, num);
  }

  @RequireScope('write')
  @Post(['models/:ns/:name/proposals/:num/comments', 'datasets/:ns/:name/proposals/:num/comments'])
  @ApiOperation({ summary: 'Comment on a proposal' })
  comment(
    @CurrentPrincipal() p: Principal,
    @RepoKindParam() kind: RepoKind,
    @Param('ns') ns: string,
    @Param('name') name: string,
    @Param('num', ParseIntPipe) num: number,
    @Body() dto: ProposalCommentDto,
  ) {
    return this.api.comment(p, ns, name, kind, num, dto.comment);
  }

  @RequireScope('write')
  @Post(['models/:ns/:name/proposals/:num/reviews', 'datasets/:ns/:name/proposals/:num/reviews'])
  @ApiOperation({ summary: 'Review a pull request: approved or changes_requested (members with write)' })
  review(
    @CurrentPrincipal() p: Principal,
    @RepoKindParam() kind: RepoKind,
    @Param('ns') ns: string,
    @Param('name') name: string,
    @Param('num', ParseIntPipe) num: number,
    @Body() dto: ProposalReviewDto,
  ) {
    return this.api.review(p, ns, name, kind, num, dto);
  }

  @RequireScope('write')
  @Post(['models/:ns/:name/proposals/:num/merge', 'datasets/:ns/:name/proposals/:num/merge'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Merge into the target branch, optionally publishing a version; 409 merge_conflict with filesWithConflicts' })
  merge(
    @CurrentPrincipal() p: Principal,
    @RepoKindParam() kind: RepoKind,
    @Param('ns') ns: string,
    @Param('name') name: string,
    @Param('num', ParseIntPipe) num: number,
    @Body() dto: ProposalMergeDto,
  ) {
    return this.api.merge(p, ns, name, kind, num, dto);
  }

  @RequireScope('write')
  @Post(['models/:ns/:name/proposals/:num/close', 'datasets/:ns/:name/proposals/:num/close'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Close (author or members); the ref stays readable' })
  close(
    @CurrentPrincipal() p: Principal,
    @RepoKindParam() kind: RepoKind,
    @Param('ns') ns: string,
    @Param('name') name: string,
    @Param('num', ParseIntPipe) num: number,
    @Body() dto: ProposalStatusCommentDto,
  ) {
    return this.api.setStatus(p, ns, name, kind, num, 'closed', dto.comment);
  }

  @RequireScope('write')
  @Post(['models/:ns/:name/proposals/:num/reopen', 'datasets/:ns/:name/proposals/:num/reopen'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Reopen a closed proposal (a merged one cannot be)' })
  reopen(
    @CurrentPrincipal() p: Principal,
    @RepoKindParam() kind: RepoKind,
    @Param('ns') ns: string,
    @Param('name') name: string,
    @Param('num', ParseIntPipe) num: number,
    @Body() dto: ProposalStatusCommentDto,
  ) {
    return this.api.setStatus(p, ns, name, kind, num, 'open', dto.comment);
  }

  @Public()
  @Get(['models/:ns/:name/contributors', 'datasets/:ns/:name/contributors'])
  @ApiOperation({ summary: 'Authors of merged proposals (credited contributors)' })
  contributors(@CurrentPrincipal() p: Principal | undefined, @RepoKindParam() kind: RepoKind, @Param('ns') ns: string, @Param('name') name: string) {
    return this.api.contributors(p, ns, name, kind);
  }

  @Get('orgs/:org/proposal-settings')
  @ApiOperation({ summary: "Who may propose to the organization's models, and approvals required before a merge (members)" })
  settings(@CurrentPrincipal() p: Principal, @Param('org') org: string) {
    return this.api.orgSettings(p, org);
  }

  @RequireScope('write')
  @Put('orgs/:org/proposal-settings')
  @ApiOperation({ summary: 'Change the proposal settings (organization admins)' })
  updateSettings(@CurrentPrincipal() p: Principal, @Param('org') org: string, @Body() dto: ProposalSettingsDto) {
    return this.api.updateOrgSettings(p, org, dto);
  }
}
