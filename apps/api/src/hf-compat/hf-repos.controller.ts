import { Body, Controller, Delete, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public, RequireScope } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { HfCreateRepoDto, HfDeleteRepoDto, HfMoveRepoDto, HfValidateYamlDto } from './dto/hf-repo.dto';
import { HfReposService } from './hf-repos.service';
import { AcceptsUnknownQuery } from '../common/known-query.guard';

@ApiTags('hugging-face')
@AcceptsUnknownQuery()
@ApiBearerAuth()
@Controller('api')
export class HfReposController {
  constructor(private readonly repos: HfReposService) {}

  @RequireScope('write')
  @Post('repos/create')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create a model or dataset repository (`type`; 409 with url when it exists)' })
  create(@CurrentPrincipal() p: Principal, @Body() dto: HfCreateRepoDto) {
    return this.repos.create(p, dto);
  }

  @RequireScope('write')
  @Delete('repos/delete')
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete a model or dataset repository (namespace admins)' })
  delete(@CurrentPrincipal() p: Principal, @Body() dto: HfDeleteRepoDto) {
    return this.repos.delete(p, dto);
  }

  @RequireScope('write')
  @Post('repos/move')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rename or transfer a model (admins of it, creators in the target namespace); the old name keeps answering' })
  move(@CurrentPrincipal() p: Principal, @Body() dto: HfMoveRepoDto) {
    return this.repos.move(p, dto);
  }

  @Public()
  @Post('validate-yaml')
  @HttpCode(200)
  @ApiOperation({ summary: "Check a model card's YAML front-matter (400 only when it cannot be parsed)" })
  validateYaml(@Body() dto: HfValidateYamlDto) {
    return this.repos.validateYaml(dto.content);
  }
}
