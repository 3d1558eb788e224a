import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public } from '../../common/auth/auth.decorators';
import type { Principal } from '../../common/auth/principal';
import { SearchQuery } from '../dto/search.query';
import { DiscoverySearchService } from './discovery-search.service';

@ApiTags('discovery')
@ApiBearerAuth()
@Controller('api/v1/search')
export class SearchController {
  constructor(private readonly search: DiscoverySearchService) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'Search models: ranked full text, filters, sorts, facet counts, cursor pages (only what you may see)' })
  find(@CurrentPrincipal() p: Principal | undefined, @Query() q: SearchQuery) {
    return this.search.search(p, q);
  }
}
