import { Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Public } from '../../common/auth/auth.decorators';
import type { Principal } from '../../common/auth/principal';
import { AcceptsUnknownQuery } from '../../common/known-query.guard';
import { HubLinks } from '../../links/hub-links.service';
import { nextLink } from '../../hf-compat/link-header';
import { LikesQuery } from '../dto/signals.query';
import { LikesService } from './likes.service';
import { RepoKindParam, type RepoKind } from '../../models/repo-kind';

/** The hub's likes in Hugging Face's shapes (like, unlike, list_liked_repos). */
@ApiTags('hugging-face')
@AcceptsUnknownQuery()
@ApiBearerAuth()
@Controller('api')
export class HfLikesController {
  constructor(
    private readonly likes: LikesService,
    private readonly links: HubLinks,
  ) {}

  @Post(['models/:ns/:name/like', 'datasets/:ns/:name/like'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Like a model' })
  like(@CurrentPrincipal() p: Principal, @RepoKindParam() kind: RepoKind, @Param('ns') ns: string, @Param('name') name: string) {
    return this.likes.like(p, ns, name, kind);
  }

  @Delete(['models/:ns/:name/like', 'datasets/:ns/:name/like'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Take a like back' })
  async unlike(@CurrentPrincipal() p: Principal, @RepoKindParam() kind: RepoKind, @Param('ns') ns: string, @Param('name') name: string) {
    await this.likes.unlike(p, ns, name, kind);
    return { liked: false };
  }

  @Public()
  @Get('users/:username/likes')
  @ApiOperation({ summary: "A user's likes as [{createdAt, repo: {name, type}}], newest first; paginated by an absolute Link header" })
  async likedBy(
    @CurrentPrincipal() p: Principal | undefined,
    @Param('username') username: string,
    @Query() q: LikesQuery,
    @Res({ passthrough: true }) res: Response,
  ) {
    const page = await this.likes.likedBy(p, username, q);
    const link = nextLink(this.links.origin(), `/api/users/${encodeURIComponent(username)}/likes`, { ...q }, page.nextCursor);
    for (const [header, value] of Object.entries(link)) res.setHeader(header, value);
    return page.items.map((i) => ({ createdAt: i.likedAt, repo: { name: i.model.id, type: i.model.kind } }));
  }
}
