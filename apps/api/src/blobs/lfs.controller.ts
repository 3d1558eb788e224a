import { Body, Controller, Get, Header, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Public, RequireScope } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import type { HubRequest } from '../common/request-context';
import { LfsBatchDto } from './dto/lfs-batch.dto';
import { LfsVerifyDto } from './dto/lfs-verify.dto';
import { LfsBatchService } from './lfs-batch.service';
import { RepoKindParam, type RepoKind } from '../models/repo-kind';
import { ApiBytes } from '../common/openapi/api-bytes.decorator';

export const LFS_MEDIA_TYPE = 'application/vnd.git-lfs+json';

/** The git-lfs API under a model's git URL, as both Hugging Face clients call it. */
@ApiTags('git-lfs')
@ApiBearerAuth()
@Controller()
export class LfsController {
  constructor(private readonly lfs: LfsBatchService) {}

  @Public()
  @Post([':namespace/:repo.git/info/lfs/objects/batch', 'datasets/:namespace/:repo.git/info/lfs/objects/batch'])
  @HttpCode(200)
  @Header('Content-Type', LFS_MEDIA_TYPE)
  @ApiOperation({ summary: 'git-lfs batch API: upload (write access) or download instructions for objects named by sha256' })
  batch(
    @CurrentPrincipal() p: Principal | undefined,
    @RepoKindParam() kind: RepoKind,
    @Param('namespace') ns: string,
    @Param('repo') name: string,
    @Body() dto: LfsBatchDto,
    @Req() req: HubRequest,
  ) {
    return this.lfs.batch(p, ns, name, kind, dto, req.headers.authorization);
  }

  @RequireScope('write')
  @Post([':namespace/:repo.git/info/lfs/objects/verify', 'datasets/:namespace/:repo.git/info/lfs/objects/verify'])
  @HttpCode(200)
  @Header('Content-Type', LFS_MEDIA_TYPE)
  @ApiOperation({ summary: 'git-lfs verify action: read back a single-PUT upload and record its blob now' })
  verify(
    @CurrentPrincipal() p: Principal,
    @RepoKindParam() kind: RepoKind,
    @Param('namespace') ns: string,
    @Param('repo') name: string,
    @Body() dto: LfsVerifyDto,
  ) {
    return this.lfs.verify(p, ns, name, kind, dto);
  }

  @Public()
  @ApiBytes(200, 'application/octet-stream')
  @Get([':namespace/:repo.git/info/lfs/objects/:oid', 'datasets/:namespace/:repo.git/info/lfs/objects/:oid'])
  @ApiOperation({ summary: "An object's bytes (download action of small blobs kept in the database; others redirect to the bucket)" })
  async object(
    @CurrentPrincipal() p: Principal | undefined,
    @RepoKindParam() kind: RepoKind,
    @Param('namespace') ns: string,
    @Param('repo') name: string,
    @Param('oid') oid: string,
    @Res() res: Response,
  ) {
    const found = await this.lfs.objectForDownload(p, ns, name, kind, oid);
    if ('redirect' in found) return res.redirect(302, found.redirect);
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('ETag', `"${oid}"`);
    res.send(found.inline);
  }
}
