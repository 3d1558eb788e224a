import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public, RequireScope } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { CreateModelDto } from './dto/create-model.dto';
import { ListModelsQuery } from './dto/list-models.query';
import { UpdateModelDto } from './dto/update-model.dto';
import { presentModel, presentModelList } from './model.presenter';
import { ModelsService } from './models.service';
import { RepoKindParam, type RepoKind } from './repo-kind';

@ApiTags('models')
@ApiBearerAuth()
@Controller(['api/v1/models', 'api/v1/datasets'])
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @RequireScope('write')
  @Post()
  @ApiOperation({ summary: 'Create a model (or, under /api/v1/datasets, a dataset) in your namespace or an organization you belong to' })
  create(@CurrentPrincipal() p: Principal, @RepoKindParam() kind: RepoKind, @Body() dto: CreateModelDto) {
    return this.models.create(p, { ...dto, kind }).then(presentModel);
  }

  @Public()
  @Get()
  @ApiOperation({ summary: 'List models visible to you (filters, sort, cursor pagination)' })
  list(@CurrentPrincipal() p: Principal | undefined, @RepoKindParam() kind: RepoKind, @Query() q: ListModelsQuery) {
    return this.models.list(p, { ...q, tags: q.tag, kind }).then(presentModelList);
  }

  @Public()
  @Get(':namespace/:name')
  @ApiOperation({ summary: 'Read a model (404 when private and you are not a member); contributors: authors of merged proposals' })
  async get(@CurrentPrincipal() p: Principal | undefined, @RepoKindParam() kind: RepoKind, @Param('namespace') ns: string, @Param('name') name: string) {
    const model = await this.models.get(p, ns, name, kind);
    return { ...presentModel(model), contributors: await this.models.contributors(model), ...(await this.models.lineageInfo(p, model)) };
  }

  @RequireScope('write')
  @Patch(':namespace/:name')
  @ApiOperation({ summary: 'Change visibility / gating (organization admin or owner, or the user)' })
  update(
    @CurrentPrincipal() p: Principal,
    @RepoKindParam() kind: RepoKind,
    @Param('namespace') ns: string,
    @Param('name') name: string,
    @Body() dto: UpdateModelDto,
  ) {
    return this.models.updateSettings(p, ns, name, kind, dto).then(presentModel);
  }

  @RequireScope('write')
  @Delete(':namespace/:name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a model and its history (organization admin or owner, or the user)' })
  remove(@CurrentPrincipal() p: Principal, @RepoKindParam() kind: RepoKind, @Param('namespace') ns: string, @Param('name') name: string) {
    return this.models.delete(p, ns, name, kind);
  }
}
