import { Injectable, Logger } from '@nestjs/common';
import { HubException } from '../../common/hub-exception';
import { CatalogIndex } from './catalog-index';
import { CatalogEntry, EngineCriteria, EngineSort, ENGINE_SORTS, FacetCounts } from './catalog-types';
import { SearchIndexRepository } from './search-index.repository';
import { prepareQuery, relevance } from './search-text';

export interface SearchRequest extends Omit<EngineCriteria, 'scores' | 'after'> {
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

/**
 * The one search engine: the native `GET /api/v1/search` and every model listing (native and
 * Hugging Face `GET /api/models`, through ModelSearchService) call `search`.
 *
 * Full-text matching and ranking run in PostgreSQL; filters, facets, sorting and keyset paging run
 * on the in-memory CatalogIndex, which is brought up to date before every query: rows stamped by
 * transactions the index has not seen (models.search_xid ≥ the snapshot xmin of the previous
 * refresh) are re-read, deleted models dropped. So a write is visible to the next search of any
 * replica, and the index costs one indexed query when nothing changed.
 */
@Injectable()
export class SearchEngine {
  private readonly logger = new Logger(SearchEngine.name);
  private readonly index = new CatalogIndex();
  private xmin: bigint | null = null;
  private lastRefreshAt = 0;
  private requested = 0;
  private completed = 0;
  private running: Promise<void> | null = null;

  constructor(private readonly repo: SearchIndexRepository) {}

  async search(req: SearchRequest): Promise<SearchResponse> {
    const text = req.text?.trim() ? prepareQuery(req.text) : null;
    const [matches] = await Promise.all([text && text.text ? this.repo.match(text, req.sort === 'relevance') : undefined, this.refresh()]);
    let scores: Map<string, number> | undefined;
    if (text && matches) {
      scores = new Map();
      for (const [id, match] of matches) {
        const model = this.index.get(id);
        // A model created after the refresh began is not in the index yet: it shows next time.
        if (model) scores.set(id, relevance(text, model, match));
      }
    }
    const after = req.cursor ? decodeCursor(req.cursor, req.sort) : undefined;
    const result = this.index.query({ ...req, scores, after });
    const page = result.items.slice(0, req.limit);
    const last = page[page.length - 1];
    return {
      total: result.total,
      items: page,
      facets: result.facets,
      nextCursor: result.items.length > req.limit && last ? encodeCursor(req.sort, result.sortValue(last), last.id) : null,
    };
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
    const changes = await this.repo.changesSince(full ? null : this.xmin);
    if (full) this.index.clear();
    for (const row of changes.rows) this.index.upsert(row);
    for (const id of changes.deletedIds) this.index.remove(id);
    this.xmin = changes.nextXmin;
    this.lastRefreshAt = startedAt;
    if (full) this.logger.log(`Search index loaded: ${this.index.size} models in ${Date.now() - startedAt} ms`);
  }
}

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
