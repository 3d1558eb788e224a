import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Agent, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hubValidationPipe } from '../../common/validation';
import { SearchQuery } from '../dto/search.query';
import { DiscoverySearchService } from './discovery-search.service';
import { SearchWarmup } from './search-warmup.service';

/** Query shapes of the landing page, the search box and an organization's page, as a browser sends them. */
const REQUEST_SHAPES: Record<string, string>[] = [{}, { sort: 'trending' }, { q: 'model', sort: 'downloads', limit: '20' }];
const orgPage = (org: string): Record<string, string> => ({ org, sort: 'trending', limit: '50' });

type SearchBody = { facets: { org: { value: string }[] } };

/**
 * The last step of the search warm-up: the request's own path once per shape, which the engine's
 * warm-up does not run, so the first user's search does not pay its first run either. Once the
 * hub listens, the shapes go over HTTP to the hub itself on loopback (Node's sockets and parser,
 * the middleware, validation, serialization: the first request a process serves costs tens of
 * milliseconds more otherwise); before, the service is called in process.
 */
@Injectable()
export class SearchRequestWarmup implements OnModuleInit {
  private readonly logger = new Logger('SearchWarmup');

  constructor(
    private readonly warmup: SearchWarmup,
    private readonly search: DiscoverySearchService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    this.warmup.afterWarm = async (words) => {
      const base = this.ownAddress();
      const self = base === null ? null : { base, agent: new Agent({ keepAlive: true, maxSockets: 1 }) };
      const run = async (raw: Record<string, string>): Promise<SearchBody> => {
        if (self) return fetchSearch(self.agent, self.base, raw);
        const query = (await hubValidationPipe.transform(raw, { type: 'query', metatype: SearchQuery })) as SearchQuery;
        const page = await this.search.search(undefined, query);
        JSON.stringify(page);
        return page;
      };
      try {
        let org: string | undefined;
        for (const raw of [...REQUEST_SHAPES, ...words.slice(0, 2).map((q) => ({ q }))]) {
          const page = await run(raw);
          org ??= page.facets.org[0]?.value;
        }
        if (org) await run(orgPage(org));
      } catch (err) {
        // Only the first searches' speed depends on it: the hub answers either way.
        this.logger.warn(`Search request warm-up skipped: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        self?.agent.destroy();
      }
    };
  }

  /** The loopback address the hub listens on, or null while it does not listen (tests on an unbound server). */
  private ownAddress(): string | null {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as import('node:http').Server | undefined;
    const address = server?.listening ? (server.address() as AddressInfo | string | null) : null;
    if (!address || typeof address === 'string') return null;
    const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
    return `http://${address.family === 'IPv6' && host !== '127.0.0.1' ? `[${host}]` : host}:${address.port}`;
  }
}

function fetchSearch(agent: Agent, base: string, raw: Record<string, string>): Promise<SearchBody> {
  const url = new URL('/api/v1/search', base);
  for (const [k, v] of Object.entries(raw)) url.searchParams.set(k, v);
  return new Promise((resolve, reject) => {
    // Named in the access log, which shows these requests like any other.
    get(url, { agent, headers: { accept: 'application/json', 'user-agent': 'model-hub-search-warmup' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () =>
        res.statusCode === 200 ? resolve(JSON.parse(body) as SearchBody) : reject(new Error(`GET ${url.pathname}${url.search}: ${res.statusCode}`)),
      );
      res.on('error', reject);
    }).on('error', reject);
  });
}
