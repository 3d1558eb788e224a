import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public, RequireScope } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { CreateModelDto } from './dto/create-model.dto';
import { ListModelsQuery } from './dto/list-models.query';
import { UpdateModelDto } from './dto/update-model.dto';
import { presentModel, presentModelList } from './model.presenter';
import { ModelsService } from './models.service';

@ApiTags('models')
@ApiBearerAuth()
@Controller('api/v1/models')
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @RequireScope('write')
  @Post()
  @ApiOperation({ summary: 'Create a model in your namespace or an organization you belong to' })
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateModelDto) {
    return this.models.create(p, dto).then(presentModel);
  }

  @Public()
  @Get()
  @ApiOperation({ summary: 'List models visible to you (filters, sort, cursor pagination)' })
  list(@CurrentPrincipal() p: Principal | undefined, @Query() q: ListModelsQuery) {
    return this.models.list(p, { ...q, tags: q.tag }).then(presentModelList);
  }

  @Public()
  @Get(':namespace/:name')
  @ApiOperation({ summary: 'Read a model (404 when private and you are not a member); contributors: authors of merged proposals' })
  async get(@CurrentPrincipal() p: Principal | undefined, @Param('namespace') ns: string, @Param('name') name: string) {
    const model = await this.models.get(p, ns, name);
    return { ...presentModel(model), contributors: await this.models.contributors(model), ...(await this.models.lineageInfo(p, model)) };
  }

  @RequireScope('write')
  @Patch(':namespace/:name')
  @ApiOperation({ summary: 'Change visibility / gating (organization admin or owner, or the user)' })
  update(@CurrentPrincipal() p: Principal, @Param('namespace') ns: string, @Param('name') name: string, @Body() dto: UpdateModelDto) {
    return this.models.updateSettings(p, ns, name, dto).then(presentModel);
  }

  @RequireScope('write')
  @Delete(':namespace/:name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a model and its history (organization admin or owner, or the user)' })
  remove(@CurrentPrincipal() p: Principal, @Param('namespace') ns: string, @Param('name') name: string) {
    return this.models.delete(p, ns, name);
  }
}
