import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { LineageQuery } from './dto/lineage.query';
import { LineageService } from './lineage.service';

@ApiTags('lineage')
@ApiBearerAuth()
@Controller('api/v1/lineage')
export class LineageController {
  constructor(private readonly lineage: LineageService) {}

  @Public()
  @Get(':kind/:namespace/:name')
  @ApiOperation({ summary: 'Ancestors (up) or descendants (down) of a model or dataset, to a depth; nodes you may not see are counted, not named' })
  get(
    @CurrentPrincipal() p: Principal | undefined,
    @Param('kind') kind: string,
    @Param('namespace') ns: string,
    @Param('name') name: string,
    @Query() q: LineageQuery,
  ) {
    return this.lineage.graph(p, kind, ns, name, q.direction ?? 'up', q.depth ?? 1);
  }
}
