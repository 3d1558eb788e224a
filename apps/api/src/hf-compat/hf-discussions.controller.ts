import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public, RequireScope } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { AcceptsUnknownQuery } from '../common/known-query.guard';
import {
  HfCommentDto,
  HfCreateDiscussionDto,
  HfDiscussionDetailsQuery,
  HfDiscussionsQuery,
  HfEditCommentDto,
  HfMergeDto,
  HfStatusDto,
  HfTitleDto,
} from '../proposals/dto/proposal.dto';
import { HfDiscussionsService } from './hf-discussions.service';
import { RepoKindParam, type RepoKind } from '../models/repo-kind';

@ApiTags('hugging-face')
@AcceptsUnknownQuery()
@ApiBearerAuth()
@Controller(['api/models/:ns/:name/discussions', 'api/datasets/:ns/:name/discussions'])
export class HfDiscussionsController {
  constructor(private readonly hf: HfDiscussionsService) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'Discussions and pull requests, newest first ({discussions, count, start}; 50 a page)' })
  list(
    @CurrentPrincipal() p: Principal | undefined,
    @RepoKindParam() kind: RepoKind,
    @Param('ns') ns: string,
    @Param('name') name: string,
    @Query() q: HfDiscussionsQuery,
  ) {
    return this.hf.list(p, ns, name, kind, q);
  }

  @Public()
  @Get(':num')
  @ApiOperation({ summary: 'A discussion with its events; for pull requests changes.base, filesWithConflicts and (diff=1) the diff' })
  details(
    @CurrentPrincipal() p: Principal | undefined,
    @RepoKindParam() kind: RepoKind,
    @Param('ns') ns: string,
    @Param('name') name: string,
    @Param('num', ParseIntPipe) num: number,
    @Query() q: HfDiscussionDetailsQuery,
  ) {
    return this.hf.details(p, ns, name, kind, num, q.diff ?? false);
  }

  @RequireScope('write')
  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Open a discussion, or a pull request (a draft until a commit lands on refs/pr/N)' })
  create(
    @CurrentPrincipal() p: Principal,
    @RepoKindParam() kind: RepoKind,
    @Param('ns') ns: string,
    @Param('name') name: string,
    @Body() dto: HfCreateDiscussionDto,
  ) {
    return this.hf.create(p, ns, name, kind, dto);
  }

  @RequireScope('write')
  @Post(':num/comment')
  @HttpCode(200)
  @ApiOperation({ summary: 'Comment ({newMessage})' })
  comment(
    @CurrentPrincipal() p: Principal,
    @RepoKindParam() kind: RepoKind,
    @Param('ns') ns: string,
    @Param('name') name: string,
    @Param('num', ParseIntPipe) num: number,
    @Body() dto: HfCommentDto,
  ) {
    return this.hf.comment(p, ns, name, kind, num, dto.comment);
  }

  @RequireScope('write')
  @Post(':num/status')
  @HttpCode(200)
  @ApiOperation({ summary: 'Close or reopen ({newStatus}); a merged pull request cannot be reopened' })
  status(
    @CurrentPrincipal() p: Principal,
    @RepoKindParam() kind: RepoKind,
    @Param('ns') ns: string,
    @Param('name') name: string,
    @Param('num', ParseIntPipe) num: number,
    @Body() dto: HfStatusDto,
  ) {
    return this.hf.status(p, ns, name, kind, num, dto.status, dto.comment);
  }

  @RequireScope('write')
  @Post(':num/title')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rename ({newTitle})' })
  title(
    @CurrentPrincipal() p: Principal,
    @RepoKindParam() kind: RepoKind,
    @Param('ns') ns: string,
    @Param('name') name: string,
    @Param('num', ParseIntPipe) num: number,
    @Body() dto: HfTitleDto,
  ) {
    return this.hf.title(p, ns, name, kind, num, dto.title);
  }

  @RequireScope('write')
  @Post(':num/comment/:commentId/edit')
  @HttpCode(200)
  @ApiOperation({ summary: 'Edit a comment of yours ({updatedComment})' })
  editComment(
    @CurrentPrincipal() p: Principal,
    @RepoKindParam() kind: RepoKind,
    @Param('ns') ns: string,
    @Param('name') name: string,
    @Param('num', ParseIntPipe) num: number,
    @Param('commentId') commentId: string,
    @Body() dto: HfEditCommentDto,
  ) {
    return this.hf.editComment(p, ns, name, kind, num, commentId, dto.content);
  }

  @RequireScope('write')
  @Post(':num/merge')
  @HttpCode(200)
  @ApiOperation({ summary: 'Merge a pull request (members with write; 409 merge_conflict naming the paths)' })
  merge(
    @CurrentPrincipal() p: Principal,
    @RepoKindParam() kind: RepoKind,
    @Param('ns') ns: string,
    @Param('name') name: string,
    @Param('num', ParseIntPipe) num: number,
    @Body() dto: HfMergeDto,
  ) {
    return this.hf.merge(p, ns, name, kind, num, dto?.comment);
  }
}
