import { Injectable, Logger } from '@nestjs/common';
import { HubException } from '../../common/hub-exception';
import { REPO_KINDS } from '../../models/repo-kind';
import { CatalogIndex } from './catalog-index';
import { CatalogEntry, EngineCriteria, EngineSort, ENGINE_SORTS, FacetCounts } from './catalog-types';
import { CachedPart, intersect, PartMatchCache } from './part-match-cache';
import { SearchIndexRepository } from './search-index.repository';
import { MAX_QUERY_PARTS, MIN_CORRECTED_WORD, nameQuery, PreparedQuery, prepareQuery, withCorrections } from './search-text';

export interface SearchRequest extends Omit<EngineCriteria, 'textMatches' | 'after'> {
  /** Full-text query; blank or absent: no text condition. */
  text?: string;
  /** `nextCursor` of the previous page of the same query. */
  cursor?: string;
}

export interface SearchResponse {
  total: number;
  items: CatalogEntry[];
  facets: FacetCounts | null;
  nextCursor: string | null;
}

/** A process whose index has not heard from the database for this long reloads it whole (tombstones are pruned after a day). */
const FULL_RELOAD_AFTER_MS = 6 * 3600_000;
/** More documents written since the last refresh than this (a bulk import): cached part matches are dropped, not re-matched. */
const MAX_REMATCH = 2_000;

/**
 * The one search engine: the native `GET /api/v1/search` and every model listing (native and
 * Hugging Face `GET /api/models`, through ModelSearchService) call `search`.
 *
 * Full-text matching and ranking run in PostgreSQL, a query part (word, CJK run) at a time, with
 * the matches of recent parts kept exact in a PartMatchCache; filters, facets, sorting and keyset
 * paging run on the in-memory CatalogIndex. Both are brought up to date before every query: rows
 * stamped by transactions the index has not seen (models.search_xid ≥ the snapshot xmin of the
 * previous refresh) are re-read, cached parts re-matched against the documents among them, and
 * deleted models dropped. So a write is visible to the next search of any
 * replica, and the index costs one indexed query when nothing changed.
 */
@Injectable()
export class SearchEngine {
  private readonly logger = new Logger(SearchEngine.name);
  private readonly index = new CatalogIndex();
  private readonly partMatches = new PartMatchCache();
  private xmin: bigint | null = null;
  private lastRefreshAt = 0;
  private requested = 0;
  private completed = 0;
  private running: Promise<void> | null = null;
  /** Told when every cached part was dropped (a full reload, a bulk import): SearchWarmup warms again. */
  onPartsDropped: (() => void) | null = null;

  constructor(private readonly repo: SearchIndexRepository) {}

  async search(req: SearchRequest): Promise<SearchResponse> {
    const text = req.text?.trim() ? prepareQuery(req.text) : null;
    if (text && text.parts.length > MAX_QUERY_PARTS) {
      throw HubException.badRequest('query_too_long', `q has ${text.parts.length} distinct words; search takes at most ${MAX_QUERY_PARTS}`);
    }
    const [fetched] = await Promise.all([text ? this.textParts(text) : undefined, this.refresh()]);
    // The parts as the refresh left them: it brings cached parts up to date with the documents.
    const parts = fetched?.map(({ tsquery, matches }) => this.partMatches.peek(tsquery) ?? matches);
    const matched = parts && intersect(parts);
    const textMatches = text && matched ? { docs: matched.docs, ranks: matched.ranks, query: nameQuery(text) } : undefined;
    const after = req.cursor ? decodeCursor(req.cursor, req.sort) : undefined;
    const result = this.index.query(criteria(req, textMatches, after));
    const page = result.items.slice(0, req.limit);
    const last = page[page.length - 1];
    const lastValue = result.sortValues[page.length - 1];
    return {
      total: result.total,
      items: page,
      facets: result.facets,
      nextCursor: result.items.length > req.limit && last ? encodeCursor(req.sort, lastValue, last.id) : null,
    };
  }

  /**
   * The matches of each part of the query (a model must match all). Each word is widened by its
   * corrections from the name vocabulary first, so a typo's part is its own cache entry.
   */
  private async textParts(query: PreparedQuery): Promise<CachedPart[]> {
    if (!query.parts.length) return [];
    const words = [...new Set(query.parts.flatMap((p) => (p.word && [...p.word].length >= MIN_CORRECTED_WORD ? [p.word] : [])))];
    const corrections = await this.repo.corrections(words);
    return Promise.all(
      query.parts.map(async (p) => {
        const tsquery = withCorrections(p, p.word ? corrections.get(p.word) : undefined);
        return { tsquery, matches: await this.partMatches.get(tsquery, (t) => this.repo.matchPart(t)) };
      }),
    );
  }

  /** Matches a query's text as its first search would, so that the search finds it cached (SearchWarmup). */
  async warmText(text: string): Promise<void> {
    const query = prepareQuery(text);
    if (query.parts.length && query.parts.length <= MAX_QUERY_PARTS) await this.textParts(query);
  }

  /** What the part cache holds: SearchWarmup stops before it crowds out the parts searches fetch. */
  get partCacheLoad(): { parts: number; matches: number } {
    return { parts: this.partMatches.size, matches: this.partMatches.matchCount };
  }

  get indexSize(): number {
    return this.index.size;
  }

  /** Index entries of these models (after a refresh); models that no longer exist are absent. */
  async entries(ids: string[]): Promise<Map<string, CatalogEntry>> {
    await this.refresh();
    const out = new Map<string, CatalogEntry>();
    for (const id of ids) {
      const entry = this.index.get(id);
      if (entry) out.set(id, entry);
    }
    return out;
  }

  /**
   * Brings the index up to date with every write committed before this call. Concurrent callers
   * share refreshes: a refresh serves the callers that asked before it started.
   */
  async refresh(): Promise<void> {
    const ticket = ++this.requested;
    while (this.completed < ticket) {
      if (!this.running) {
        const covers = this.requested;
        this.running = this.refreshOnce()
          .then(() => {
            this.completed = Math.max(this.completed, covers);
          })
          .finally(() => {
            this.running = null;
          });
      }
      await this.running;
    }
  }

  private async refreshOnce(): Promise<void> {
    const full = this.xmin === null || Date.now() - this.lastRefreshAt > FULL_RELOAD_AFTER_MS;
    const startedAt = Date.now();
    // Parts read in an older snapshot than the last refresh's: documents written since then too.
    const uncovered = this.partMatches.takeUncoveredXmin();
    const since = full ? null : uncovered !== null && uncovered < this.xmin! ? uncovered : this.xmin;
    const changes = await this.repo.changesSince(since);
    if (full) {
      this.index.clear();
      this.dropParts();
    }
    for (const row of changes.rows) this.index.upsert(row);
    this.partMatches.remove(this.index.knownDocs(changes.deletedIds));
    for (const id of changes.deletedIds) this.index.remove(id);
    await this.rematchParts(changes.documentChangedDocs, full);
    this.xmin = changes.nextXmin;
    this.lastRefreshAt = startedAt;
    if (full) this.logger.log(`Search index loaded: ${this.index.size} models in ${Date.now() - startedAt} ms`);
  }

  private dropParts(): void {
    const had = this.partMatches.size > 0;
    this.partMatches.clear();
    if (had) this.onPartsDropped?.();
  }

  /** Cached part matches follow the documents written since the last refresh. */
  private async rematchParts(changedDocs: number[], full: boolean): Promise<void> {
    if (full || !changedDocs.length || !this.partMatches.size) return;
    if (changedDocs.length > MAX_REMATCH) return this.dropParts();
    const parts = this.partMatches.snapshot();
    const documents = await this.repo.rematch(
      changedDocs,
      parts.map((p) => p.tsquery),
    );
    this.partMatches.applyRematch(parts, changedDocs, documents);
  }
}

/**
 * The index's criteria as one object shape whoever asks (the native search, the listings, the
 * warm-up): the index's loop is compiled for the shapes it has seen, and a caller's own shape
 * (a spread of its request) would throw that code away at its first query. So would a sort or
 * kind parsed from a URL, which is not the interned constant the compiled comparisons expect.
 */
function criteria(req: SearchRequest, textMatches: EngineCriteria['textMatches'], after: EngineCriteria['after']): EngineCriteria {
  return {
    kind: req.kind && constant(REPO_KINDS, req.kind),
    visibleNamespaceIds: req.visibleNamespaceIds,
    textMatches,
    nameContains: req.nameContains,
    task: req.task,
    library: req.library,
    license: req.license,
    org: req.org,
    tags: req.tags,
    hfTags: req.hfTags,
    language: req.language,
    rowFilters: req.rowFilters,
    commercial: req.commercial,
    verified: req.verified,
    minParams: req.minParams,
    maxParams: req.maxParams,
    sort: constant(ENGINE_SORTS, req.sort),
    after,
    limit: req.limit,
    facets: req.facets,
    facetLimit: req.facetLimit,
  };
}

const constant = <T extends string>(constants: readonly T[], value: T): T => constants.find((c) => c === value) ?? value;

/** Opaque to clients: base64url of {s: sort, v: value, id}. */
export const encodeCursor = (sort: EngineSort, value: number, id: string) => Buffer.from(JSON.stringify({ s: sort, v: value, id })).toString('base64url');

export function decodeCursor(cursor: string, sort: EngineSort): { value: number; id: string } {
  let parsed: { s?: unknown; v?: unknown; id?: unknown } | null;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  const valid =
    parsed !== null &&
    typeof parsed === 'object' &&
    ENGINE_SORTS.includes(parsed.s as EngineSort) &&
    typeof parsed.v === 'number' &&
    Number.isFinite(parsed.v) &&
    typeof parsed.id === 'string' &&
    /^[0-9a-f-]{36}$/.test(parsed.id);
  if (!valid) throw HubException.badRequest('invalid_cursor', 'cursor is not a value returned as nextCursor by this listing');
  if (parsed!.s !== sort) throw HubException.badRequest('invalid_cursor', `cursor belongs to a listing sorted by '${String(parsed!.s)}', not '${sort}'`);
  return { value: parsed!.v as number, id: parsed!.id as string };
}
