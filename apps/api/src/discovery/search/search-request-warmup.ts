import { Injectable, OnModuleInit } from '@nestjs/common';
import { hubValidationPipe } from '../../common/validation';
import { SearchQuery } from '../dto/search.query';
import { DiscoverySearchService } from './discovery-search.service';
import { SearchWarmup } from './search-warmup.service';

/** Query shapes of the landing page, the search box and an organization's page, as a browser sends them. */
const REQUEST_SHAPES: Record<string, string>[] = [{}, { sort: 'trending' }, { q: 'model', sort: 'downloads', limit: '20' }];
const orgPage = (org: string): Record<string, string> => ({ org, sort: 'trending', limit: '50' });

/**
 * The last step of the search warm-up: the request's own path once per shape (query validation,
 * visibility, presenter, serialization), which the engine's warm-up does not run, so the first
 * user's search does not pay their first run either.
 */
@Injectable()
export class SearchRequestWarmup implements OnModuleInit {
  constructor(
    private readonly warmup: SearchWarmup,
    private readonly search: DiscoverySearchService,
  ) {}

  onModuleInit(): void {
    this.warmup.afterWarm = async (words) => {
      const run = async (raw: Record<string, string>) => {
        const query = (await hubValidationPipe.transform(raw, { type: 'query', metatype: SearchQuery })) as SearchQuery;
        return this.search.search(undefined, query);
      };
      let org: string | undefined;
      for (const raw of [...REQUEST_SHAPES, ...words.slice(0, 2).map((q) => ({ q }))]) {
        const page = await run(raw);
        org ??= page.facets.org[0]?.value;
        JSON.stringify(page);
      }
      if (org) JSON.stringify(await run(orgPage(org)));
    };
  }
}
