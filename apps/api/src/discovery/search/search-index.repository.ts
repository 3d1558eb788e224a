import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Pool } from 'pg';
import { HUB_CONFIG, ResolvedHubConfig } from '../../config/hub-config';
import { PrismaService } from '../../database/prisma.service';
import type { CatalogRow } from './catalog-types';
import { COMMERCIAL_LICENSES } from './license-commercial-use';
import type { FetchedPart, RematchedDocument } from './part-match-cache';

/** Rows changed since a point in time, and the point to ask from next time. */
export interface CatalogChanges {
  /** Snapshot xmin of the read: every transaction not yet visible has an id at or above it. */
  nextXmin: bigint;
  rows: CatalogRow[];
  deletedIds: string[];
  /** Document numbers of the models among `rows` whose search document was written since `sinceXmin`. */
  documentChangedDocs: number[];
}

interface RawCatalogRow {
  snap_xmin: string;
  deleted: string[];
  id: string | null;
  kind: string;
  doc_no: number;
  namespace_id: string;
  namespace: string;
  name: string;
  private: boolean;
  license: string | null;
  pipeline_tag: string | null;
  library_name: string | null;
  tags: string[];
  languages: string[];
  datasets: string[];
  base_models: string[];
  base_model_relation: string | null;
  task_categories: string[];
  size_categories: string[];
  data_formats: string[];
  license_conflict: boolean;
  downloads: number;
  likes: number;
  trending_score: number;
  parameters: number | null;
  created_at: Date;
  last_modified: Date;
  verified: boolean;
  offer_commercial: boolean;
  document_changed: boolean;
}

/**
 * PostgreSQL side of search: the changes the in-memory index refreshes from, full-text matching of
 * query parts with their ranking, and query word corrections. All index-driven (models.search_xid
 * btree, the GIN tsvector index of model_search_docs, the trigram and shape indexes of the
 * name vocabulary).
 */
@Injectable()
export class SearchIndexRepository implements OnModuleDestroy {
  /**
   * The search's own small pools, for its two bulk reads (changed models; all matches of a query):
   * rows come back ~20x cheaper per row than through Prisma's raw queries (100,000 models load in
   * ~2 s rather than ~9 s here). Writes go through Prisma.
   */
  private readonly pool: Pool;
  /**
   * Matching runs with `enable_seqscan = off`: on a small catalogue (10,000 models) the planner
   * prices `@@` per row so low that it prefers a sequential scan of every document; the GIN index
   * answers in a few milliseconds.
   */
  private readonly matchPool: Pool;

  constructor(
    private readonly prisma: PrismaService,
    @Inject(HUB_CONFIG) config: ResolvedHubConfig,
  ) {
    this.pool = new Pool({ connectionString: config.databaseUrl, max: 1, application_name: 'model-hub-search' });
    this.matchPool = new Pool({ connectionString: config.databaseUrl, max: 2, application_name: 'model-hub-search', options: '-c enable_seqscan=off' });
    // An idle client losing its connection must not crash the process: the next query reconnects.
    this.pool.on('error', () => undefined);
    this.matchPool.on('error', () => undefined);
  }

  private closed?: Promise<unknown>;

  /** Idempotent: an application closed twice must not fail on pools already ended. */
  onModuleDestroy(): Promise<unknown> {
    this.closed ??= Promise.all([this.pool.end(), this.matchPool.end()]);
    return this.closed;
  }

  /**
   * Models changed by transactions at or after `sinceXmin` (null: every model), in the same
   * snapshot as the xmin returned for the next call, and models deleted since.
   */
  async changesSince(sinceXmin: bigint | null): Promise<CatalogChanges> {
    // One round trip: it runs before every search.
    const raw = await this.pool.query<RawCatalogRow>({ text: CHANGES_SQL, values: [String(sinceXmin ?? -1n), COMMERCIAL_LICENSES, sinceXmin !== null] });
    const rows = raw.rows.filter((r) => r.id !== null);
    return {
      nextXmin: BigInt(raw.rows[0].snap_xmin),
      rows: rows.map(toCatalogRow),
      deletedIds: raw.rows[0].deleted,
      documentChangedDocs: rows.filter((r) => r.document_changed).map((r) => r.doc_no),
    };
  }

  /** The card text of the model's search document (a trigger rebuilds the document). */
  async setSearchBody(modelId: string, body: string): Promise<void> {
    await this.prisma.model.updateMany({ where: { id: modelId }, data: { searchBody: body } });
  }

  /**
   * The models whose search document matches one query part, through the GIN index of
   * `model_search_docs.document`, with the part's `ts_rank` (weights D C B A = 0.05 0.2 0.5 1: a
   * match in the name counts most, then namespace, tags, task and library, then the card).
   */
  async matchPart(tsquery: string): Promise<FetchedPart> {
    const res = await this.matchPool.query<{ xmin: string; docs: number[]; ranks: number[] }>({ text: MATCH_PART_SQL, values: [tsquery] });
    const row = res.rows[0];
    return { xmin: BigInt(row.xmin), docs: row.docs, ranks: row.ranks };
  }

  /**
   * The words worth matching before anyone searches them (SearchWarmup): those in at least
   * `minShare` of the search documents (and `minDocs`), name words first (what people search),
   * then the other words of three characters or more, each group most frequent first. Counted by
   * ts_stat over a sample of about 10,000 documents (a catalogue's frequent words are frequent in
   * any sample of it).
   */
  async frequentWords(limit: number, minShare: number, minDocs: number): Promise<string[]> {
    const total = Number((await this.matchPool.query<{ n: string }>('SELECT count(*)::text AS n FROM model_search_docs')).rows[0].n);
    if (!total) return [];
    const percent = Math.min(100, (10_000 / total) * 100);
    const sampled = Math.round((total * percent) / 100);
    // ts_stat takes its query as text: the percent is a number computed here, not input.
    const res = await this.matchPool.query<{ word: string }>({
      text: `SELECT s.word FROM ts_stat('SELECT document FROM model_search_docs TABLESAMPLE BERNOULLI (${percent.toFixed(4)})') s
             LEFT JOIN search_name_words w ON w.word = s.word
             WHERE s.ndoc >= $1 AND s.word ~ '^[a-z0-9]{2,}$' AND (w.word IS NOT NULL OR length(s.word) >= 3)
             ORDER BY (w.word IS NOT NULL) DESC, s.ndoc DESC, s.word LIMIT $2`,
      values: [Math.max(1, Math.ceil(sampled * minShare), Math.ceil((minDocs * percent) / 100)), limit],
    });
    return res.rows.map((r) => r.word);
  }

  /** These documents matched against each part: per document, its rank per part (-1: no match). */
  async rematch(docs: number[], tsqueries: string[]): Promise<RematchedDocument[]> {
    const res = await this.matchPool.query<[number, number[]]>({ text: REMATCH_SQL, values: [docs, tsqueries], rowMode: 'array' });
    return res.rows.map(([doc, ranks]) => ({ doc, ranks }));
  }

  /**
   * Name words a query word may have meant (docs/discovery.md, "Typos and partial names"), from
   * the vocabulary of name words: similar words (trigram similarity ≥ 0.45) and words one edit or
   * one transposition away, both only when no name word starts with it (a known word is not a
   * typo), and words containing it (`bert` → `roberta`).
   */
  async corrections(words: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (!words.length) return out;
    const res = await this.matchPool.query<[string, string]>({ text: CORRECTIONS_SQL, values: [words], rowMode: 'array' });
    for (const [word, correction] of res.rows) out.set(word, [...(out.get(word) ?? []), correction]);
    return out;
  }
}

const RANK_WEIGHTS = `'{0.05, 0.2, 0.5, 1.0}'`;

// One row: the snapshot's xmin with every match, by document number in ascending order (arrays of
// numbers: one small value to parse, not a row with a uuid per match). OFFSET 0 keeps the matching
// planned on its own (the GIN bitmap scan): otherwise the planner walks the whole doc_no index in
// order to feed the ORDER BY, testing every document (~100 ms rather than ~50 at 100,000 models).
const MATCH_PART_SQL = `
  SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin,
         coalesce(array_agg(m.doc_no ORDER BY m.doc_no), '{}') AS docs,
         coalesce(array_agg(m.rank ORDER BY m.doc_no), '{}') AS ranks
  FROM (
    SELECT d.doc_no, ts_rank(${RANK_WEIGHTS}, d.document, q.tsq)::float4 AS rank
    FROM (SELECT to_tsquery('simple', $1::text) AS tsq) q
    JOIN model_search_docs d ON d.document @@ q.tsq
    OFFSET 0
  ) m`;

const REMATCH_SQL = `
  SELECT d.doc_no,
         ARRAY(SELECT CASE WHEN d.document @@ q.tsq THEN ts_rank(${RANK_WEIGHTS}, d.document, q.tsq) ELSE -1 END
               FROM unnest($2::text[]) WITH ORDINALITY AS p(t, i)
               CROSS JOIN LATERAL (SELECT to_tsquery('simple', p.t) AS tsq) q
               ORDER BY p.i)::float4[]
  FROM model_search_docs d WHERE d.doc_no = ANY($1::int4[])`;

// $1 the query words (lower case, letters and digits only: nothing LIKE would read as a wildcard).
const CORRECTIONS_SQL = `
  SELECT q.w, v.word FROM unnest($1::text[]) AS q(w)
  CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM search_name_words WHERE word LIKE q.w || '%') AS known) k
  CROSS JOIN LATERAL (
    (SELECT word FROM search_name_words
     WHERE NOT k.known AND word % q.w AND similarity(word, q.w) >= 0.45
     ORDER BY similarity(word, q.w) DESC, word LIMIT 5)
    UNION
    (SELECT word FROM search_name_words
     WHERE NOT k.known AND length(q.w) >= 4 AND left(word, 1) = left(q.w, 1)
       AND length(word) BETWEEN length(q.w) - 1 AND length(q.w) + 1
       AND (levenshtein_less_equal(word, q.w, 1) <= 1
            OR (length(word) = length(q.w) AND levenshtein_less_equal(word, q.w, 2) <= 2 AND hub_sorted_chars(word) = hub_sorted_chars(q.w)))
     ORDER BY word LIMIT 5)
    UNION
    (SELECT word FROM search_name_words
     WHERE word LIKE '%' || q.w || '%' AND word NOT LIKE q.w || '%'
     ORDER BY length(word), word LIMIT 10)
  ) v`;

const CHANGES_SQL = `
  WITH snap AS (
    SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS snap_xmin,
           CASE WHEN $3::bool THEN ARRAY(SELECT model_id::text FROM search_tombstones WHERE xid >= $1::bigint) ELSE '{}' END AS deleted
  )
  SELECT snap.snap_xmin, snap.deleted, c.* FROM snap LEFT JOIN LATERAL (
    SELECT m.id::text, m.kind::text AS kind, coalesce(d.doc_no, -1) AS doc_no, m.namespace_id::text, n.name AS namespace, m.name, m.private, m.license, m.pipeline_tag,
           m.library_name, m.tags, m.languages, m.datasets, m.base_models, m.base_model_relation::text,
           m.task_categories, m.size_categories, m.data_formats, m.license_conflict, m.downloads, m.likes, m.trending_score,
           m.parameters::float8 AS parameters,
           -- timestamp(3) holds UTC (Prisma's convention); node-pg would read it as local time.
           m.created_at AT TIME ZONE 'UTC' AS created_at, m.last_modified AT TIME ZONE 'UTC' AS last_modified,
           coalesce(o.verified, false) AS verified,
           EXISTS (
             SELECT 1 FROM license_offers lo
             JOIN license_terms_versions tv ON tv.offer_id = lo.id AND tv.version = lo.current_version
             WHERE lo.model_id = m.id AND lo.withdrawn_at IS NULL
               AND (tv.commercial_use OR (lo.kind = 'open' AND lower(lo.spdx_id) = ANY($2::text[])))
           ) AS offer_commercial,
           coalesce(d.doc_xid >= $1::bigint, false) AS document_changed
    FROM models m
    JOIN namespaces n ON n.id = m.namespace_id
    LEFT JOIN organizations o ON o.namespace_id = m.namespace_id
    LEFT JOIN model_search_docs d ON d.model_id = m.id
    WHERE m.search_xid >= $1::bigint
  ) c ON true`;

const toCatalogRow = (r: RawCatalogRow): CatalogRow => ({
  id: r.id!,
  kind: r.kind === 'dataset' ? 'dataset' : 'model',
  docNo: r.doc_no,
  namespaceId: r.namespace_id,
  namespace: r.namespace,
  name: r.name,
  private: r.private,
  license: r.license,
  task: r.pipeline_tag,
  library: r.library_name,
  tags: r.tags,
  languages: r.languages,
  datasets: r.datasets,
  baseModels: r.base_models,
  baseModelRelation: r.base_model_relation,
  taskCategories: r.task_categories ?? [],
  sizeCategories: r.size_categories ?? [],
  dataFormats: r.data_formats ?? [],
  licenseConflict: r.license_conflict,
  downloads: r.downloads,
  likes: r.likes,
  trendingScore: r.trending_score,
  parameters: r.parameters,
  createdAt: r.created_at,
  lastModified: r.last_modified,
  verified: r.verified,
  offerCommercial: r.offer_commercial,
});
