import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { HUB_CONFIG, ResolvedHubConfig } from '../../config/hub-config';
import { ENGINE_SORTS } from './catalog-types';
import { MAX_MATCHES, MAX_PARTS } from './part-match-cache';
import { SearchEngine, SearchRequest } from './search-engine.service';
import { SearchIndexRepository } from './search-index.repository';

/** Words matched at start: the most frequent, as long as they leave half the part cache to searches. */
const WARM_WORDS = 400;
const WARM_PARTS = MAX_PARTS / 2;
const WARM_MATCHES = MAX_MATCHES / 2;
/** A word in fewer documents than this share, or than MIN_DOCS, is cheap to match at its first search: not warmed. */
const MIN_SHARE = 0.005;
const MIN_DOCS = 50;

/**
 * Makes a process's first searches as fast as its later ones (docs/discovery.md, "Search from
 * the first query"): in the background after start, it loads the search index, runs the
 * in-memory query over it for every filter under every sort (compiled code for every branch),
 * and matches the catalogue's most frequent words, the ones whose first PostgreSQL match is
 * slow, into the part cache. Searches are answered meanwhile; they share the index load and any
 * part being fetched. Every replica warms itself. SEARCH_WARMUP=false turns it off.
 */
@Injectable()
export class SearchWarmup implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('SearchWarmup');
  private stopped = false;
  private inProgress = false;
  private running: Promise<void> | null = null;
  /** Done, with what it warmed (tests and the benchmark wait for it). */
  report: { round: number; words: number; parts: number; matches: number; milliseconds: number } | null = null;
  /** Run last, with the words warmed: the request path's own warm-up (SearchRequestWarmup). */
  afterWarm: ((words: string[]) => Promise<void>) | null = null;

  constructor(
    private readonly engine: SearchEngine,
    private readonly repo: SearchIndexRepository,
    @Inject(HUB_CONFIG) private readonly config: ResolvedHubConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.searchWarmup) return;
    this.start();
    // A full reload or a bulk import drops the cached parts: warm again once the index is back.
    this.engine.onPartsDropped = () => {
      if (!this.stopped) setImmediate(() => this.start());
    };
  }

  private start(): void {
    if (this.stopped || this.inProgress) return;
    this.inProgress = true;
    const previous = this.running;
    this.running = (async () => {
      await previous;
      await this.warm();
    })()
      .catch((err) => {
        if (!this.stopped) this.logger.warn(`Search warm-up stopped: ${err}`);
      })
      .finally(() => {
        this.inProgress = false;
      });
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.engine.onPartsDropped = null;
    await this.running;
  }

  /** Resolves when the warm-up is over (at once when it is off). */
  async done(): Promise<void> {
    await this.running;
  }

  private async warm(): Promise<void> {
    const started = Date.now();
    await this.engine.refresh();
    if (this.stopped) return;
    const filters = await this.compileQueries();
    const warmed: string[] = [];
    for (const word of await this.repo.frequentWords(WARM_WORDS, MIN_SHARE, MIN_DOCS)) {
      const load = this.engine.partCacheLoad;
      if (this.stopped || load.parts >= WARM_PARTS || load.matches >= WARM_MATCHES) break;
      await this.engine.warmText(word);
      warmed.push(word);
    }
    // The text path too (one word and several, under every filter and sort), with words now cached.
    const texts = [warmed[0], warmed.slice(0, 3).join(' ')].filter(Boolean);
    await this.eachSort(texts.flatMap((text) => filters.map((f) => ({ ...f, text }))));
    if (this.stopped) return;
    await this.afterWarm?.(warmed);
    if (this.stopped) return;
    const words = warmed.length;
    const load = this.engine.partCacheLoad;
    this.report = { round: (this.report?.round ?? 0) + 1, words, ...load, milliseconds: Date.now() - started };
    this.logger.log(
      `Search warmed in ${this.report.milliseconds} ms: ${this.engine.indexSize} models indexed, ${words} frequent words matched (${load.parts} parts, ${load.matches} matches)`,
    );
  }

  /**
   * Every filter under every sort, each twice; the filters are returned for the text queries. The
   * index's loop over 100,000 models is compiled for the branches and value types it has run, and
   * the first query of a combination it has not seen (an organization sorted by creation, say)
   * would throw that code away in a user's search.
   */
  private async compileQueries(): Promise<SearchRequest[]> {
    const base: SearchRequest = { visibleNamespaceIds: null, sort: 'relevance', limit: 20, facets: true, facetLimit: 20 };
    const first = await this.engine.search(base);
    const top = (values: { value: string }[] | undefined) => values?.[0]?.value;
    const facets = first.facets;
    const filters: Partial<SearchRequest>[] = [
      {},
      { task: top(facets?.task) },
      { license: top(facets?.license), commercial: true, language: 'en' },
      { library: top(facets?.library), verified: true },
      { org: top(facets?.org) },
      { tags: facets?.tags[0] ? [facets.tags[0].value] : undefined },
      { minParams: 1e9, maxParams: 1e10 },
      { hfTags: ['license:apache-2.0'], facets: false },
    ];
    const requests = filters.map((f) => ({ ...base, ...f }));
    await this.eachSort(requests);
    return requests;
  }

  /** Each request under every sort, twice over. */
  private async eachSort(requests: SearchRequest[]): Promise<void> {
    for (let round = 0; round < 2; round++) {
      for (const sort of ENGINE_SORTS) {
        for (const r of requests) {
          if (this.stopped) return;
          await this.engine.search({ ...r, sort });
        }
      }
    }
  }
}
