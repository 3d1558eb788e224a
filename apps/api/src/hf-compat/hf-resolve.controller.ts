import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, Public } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { HfResolveService } from './hf-resolve.service';
import { WildcardPath } from '../common/wildcard-path.decorator';
import { AcceptsUnknownQuery } from '../common/known-query.guard';
import { RepoKindParam, type RepoKind } from '../models/repo-kind';
import { ApiBytes } from '../common/openapi/api-bytes.decorator';

/** File downloads at the Hugging Face URLs. GET routes answer HEAD too (size, ETag, commit). */
@ApiTags('hugging-face')
@AcceptsUnknownQuery()
@Public()
@Controller(['datasets/:ns/:name', ':ns/:name'])
export class HfResolveController {
  constructor(private readonly hf: HfResolveService) {}

  @ApiBytes(200, 'application/octet-stream')
  @Get('resolve/:rev/*path')
  @ApiOperation({ summary: 'Download a file at a revision: 302 to a short-lived presigned URL (Range works there), or the bytes of small files' })
  resolve(
    @CurrentPrincipal() p: Principal | undefined,
    @RepoKindParam() kind: RepoKind,
    @Param('ns') ns: string,
    @Param('name') name: string,
    @Param('rev') rev: string,
    @WildcardPath('path') path: string,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    return this.hf.resolve(p, ns, name, kind, rev, path, req, res);
  }

  @ApiBytes(200, 'application/octet-stream')
  @Get('raw/:rev/*path')
  @ApiOperation({ summary: 'Same as resolve (fileExists in @huggingface/hub uses it)' })
  raw(
    @CurrentPrincipal() p: Principal | undefined,
    @RepoKindParam() kind: RepoKind,
    @Param('ns') ns: string,
    @Param('name') name: string,
    @Param('rev') rev: string,
    @WildcardPath('path') path: string,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    return this.hf.resolve(p, ns, name, kind, rev, path, req, res);
  }
}
