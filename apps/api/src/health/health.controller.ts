import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/auth/auth.decorators';
import { HealthService } from './health.service';

@ApiTags('health')
@Public()
@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('healthz')
  @ApiOperation({ summary: 'The process is up' })
  live() {
    return this.health.live();
  }

  @Get('readyz')
  @ApiOperation({ summary: 'The database and object storage are reachable (503 otherwise)' })
  ready() {
    return this.health.ready();
  }
}
