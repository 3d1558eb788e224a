import { Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public } from '../../common/auth/auth.decorators';
import type { Principal } from '../../common/auth/principal';
import { DownloadStatsQuery, LikesQuery } from '../dto/signals.query';
import { DownloadStatsService } from './download-stats.service';
import { LikesService } from './likes.service';
import { RepoKindParam, type RepoKind } from '../../models/repo-kind';

@ApiTags('discovery')
@ApiBearerAuth()
@Controller('api/v1')
export class SignalsController {
  constructor(
    private readonly likes: LikesService,
    private readonly downloads: DownloadStatsService,
  ) {}

  @Post(['models/:namespace/:name/like', 'datasets/:namespace/:name/like'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Like a model (once; liking again changes nothing)' })
  like(@CurrentPrincipal() p: Principal, @RepoKindParam() kind: RepoKind, @Param('namespace') ns: string, @Param('name') name: string) {
    return this.likes.like(p, ns, name, kind);
  }

  @Delete(['models/:namespace/:name/like', 'datasets/:namespace/:name/like'])
  @HttpCode(204)
  @ApiOperation({ summary: 'Take a like back' })
  unlike(@CurrentPrincipal() p: Principal, @RepoKindParam() kind: RepoKind, @Param('namespace') ns: string, @Param('name') name: string) {
    return this.likes.unlike(p, ns, name, kind);
  }

  @Public()
  @Get('users/:username/likes')
  @ApiOperation({ summary: "A user's liked models, newest first (only models you may see)" })
  likedBy(@CurrentPrincipal() p: Principal | undefined, @Param('username') username: string, @Query() q: LikesQuery) {
    return this.likes.likedBy(p, username, q);
  }

  @Public()
  @Get(['models/:namespace/:name/downloads', 'datasets/:namespace/:name/downloads'])
  @ApiOperation({ summary: 'Counted downloads: total, trending score and one count per UTC day' })
  downloadStats(
    @CurrentPrincipal() p: Principal | undefined,
    @RepoKindParam() kind: RepoKind,
    @Param('namespace') ns: string,
    @Param('name') name: string,
    @Query() q: DownloadStatsQuery,
  ) {
    return this.downloads.forModel(p, ns, name, kind, q.days ?? 30);
  }
}
