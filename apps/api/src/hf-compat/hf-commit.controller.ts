import { Body, Controller, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireScope } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { HfPreuploadDto } from './dto/hf-preupload.dto';
import { asHfCommitError } from './hf-commit-errors';
import { HfCommitService, isTruthyFlag } from './hf-commit.service';
import { HfPreuploadService } from './hf-preupload.service';
import { AcceptsUnknownQuery } from '../common/known-query.guard';
import { RepoKindParam, type RepoKind } from '../models/repo-kind';

@ApiTags('hugging-face')
@AcceptsUnknownQuery()
@ApiBearerAuth()
@Controller(['api/models', 'api/datasets'])
export class HfCommitController {
  constructor(
    private readonly hf: HfCommitService,
    private readonly preuploads: HfPreuploadService,
  ) {}

  @RequireScope('write')
  @Post(':ns/:name/preupload/:rev')
  @HttpCode(200)
  @ApiOperation({ summary: 'Which files to upload through LFS and which inline (rule: docs/hugging-face.md)' })
  preupload(
    @CurrentPrincipal() p: Principal,
    @RepoKindParam() kind: RepoKind,
    @Param('ns') ns: string,
    @Param('name') name: string,
    @Param('rev') rev: string,
    @Body() dto: HfPreuploadDto,
    @Query('create_pr') createPr?: string,
  ) {
    return this.preuploads.preupload(p, ns, name, kind, rev, dto, isTruthyFlag(createPr));
  }

  @RequireScope('write')
  @Post(':ns/:name/commit/:rev')
  @HttpCode(200)
  @ApiConsumes('application/x-ndjson')
  @ApiBody({ description: 'NDJSON: header, file, lfsFile, deletedFile, deletedFolder lines', schema: { type: 'string' } })
  @ApiOperation({ summary: 'Commit many operations atomically to a branch' })
  commit(
    @CurrentPrincipal() p: Principal,
    @RepoKindParam() kind: RepoKind,
    @Param('ns') ns: string,
    @Param('name') name: string,
    @Param('rev') rev: string,
    @Body() body: unknown,
    @Query('create_pr') createPr?: string,
  ) {
    return this.hf.commit(p, ns, name, kind, rev, body, isTruthyFlag(createPr)).catch(asHfCommitError);
  }
}
