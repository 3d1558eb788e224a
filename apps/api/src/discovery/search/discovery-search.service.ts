import { Injectable } from '@nestjs/common';
import type { Principal } from '../../common/auth/principal';
import { HubException } from '../../common/hub-exception';
import { ModelAccessService } from '../../models/model-access.service';
import type { SearchQuery } from '../dto/search.query';
import { SearchEngine } from './search-engine.service';
import { presentSearchItem, SearchPage } from './search-item.presenter';

export const SEARCH_DEFAULT_LIMIT = 20;
/** Values per facet, most frequent first. */
export const FACET_LIMIT = 20;

/** `GET /api/v1/search`: the caller's visibility, then the engine. */
@Injectable()
export class DiscoverySearchService {
  constructor(
    private readonly engine: SearchEngine,
    private readonly access: ModelAccessService,
  ) {}

  async search(principal: Principal | undefined, q: SearchQuery): Promise<SearchPage> {
    if (q.minParams !== undefined && q.maxParams !== undefined && q.minParams > q.maxParams) {
      throw HubException.badRequest('invalid_range', `minParams (${q.minParams}) is above maxParams (${q.maxParams})`);
    }
    const visible = await this.access.visibleNamespaceIds(principal);
    const result = await this.engine.search({
      kind: q.kind ?? 'model',
      visibleNamespaceIds: visible,
      text: q.q,
      task: q.task,
      library: q.library,
      license: q.license,
      commercial: q.commercial,
      org: q.org,
      verified: q.verified,
      tags: q.tag,
      language: q.language,
      rowFilters: {
        taskCategories: q.taskCategory,
        sizeCategories: q.sizeCategory,
        formats: q.format,
        licenseConflict: q.licenseConflict === undefined ? undefined : String(q.licenseConflict),
      },
      minParams: q.minParams,
      maxParams: q.maxParams,
      sort: q.sort ?? 'relevance',
      cursor: q.cursor,
      limit: q.limit ?? SEARCH_DEFAULT_LIMIT,
      facets: true,
      facetLimit: FACET_LIMIT,
    });
    return { total: result.total, items: result.items.map(presentSearchItem), facets: result.facets!, nextCursor: result.nextCursor };
  }
}
