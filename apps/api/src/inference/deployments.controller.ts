import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public, RequireScope } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { DeploymentsService } from './deployments.service';
import { CreateDeploymentDto } from './dto/deployment.dto';

@ApiTags('inference')
@ApiBearerAuth()
@Controller('api/v1/models/:namespace/:name/deployments')
export class DeploymentsController {
  constructor(private readonly deployments: DeploymentsService) {}

  @RequireScope('write')
  @Post()
  @ApiOperation({ summary: "Deploy a version (the model's administrators); 409 deployment_exists for a second one of the same version and backend" })
  create(@CurrentPrincipal() p: Principal, @Param('namespace') ns: string, @Param('name') name: string, @Body() dto: CreateDeploymentDto) {
    return this.deployments.create(p, ns, name, dto);
  }

  @Public()
  @Get()
  @ApiOperation({ summary: 'Deployments of the model, newest first, with state, signature and recent latency' })
  list(@CurrentPrincipal() p: Principal | undefined, @Param('namespace') ns: string, @Param('name') name: string) {
    return this.deployments.list(p, ns, name);
  }

  @Public()
  @Get(':id')
  @ApiOperation({ summary: 'One deployment' })
  get(@CurrentPrincipal() p: Principal | undefined, @Param('namespace') ns: string, @Param('name') name: string, @Param('id') id: string) {
    return this.deployments.get(p, ns, name, id);
  }

  @RequireScope('write')
  @Post(':id/stop')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop serving (state stopped; the model is unloaded)' })
  stop(@CurrentPrincipal() p: Principal, @Param('namespace') ns: string, @Param('name') name: string, @Param('id') id: string) {
    return this.deployments.stop(p, ns, name, id);
  }

  @RequireScope('write')
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete the deployment (its call records stay in the usage report)' })
  async remove(@CurrentPrincipal() p: Principal, @Param('namespace') ns: string, @Param('name') name: string, @Param('id') id: string): Promise<void> {
    await this.deployments.delete(p, ns, name, id);
  }
}
