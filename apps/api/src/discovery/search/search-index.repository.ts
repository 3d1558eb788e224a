import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Pool } from 'pg';
import { HUB_CONFIG, ResolvedHubConfig } from '../../config/hub-config';
import { PrismaService } from '../../database/prisma.service';
import type { CatalogRow } from './catalog-types';
import { COMMERCIAL_LICENSES } from './license-commercial-use';
import type { PreparedQuery } from './search-text';

/** Rows changed since a point in time, and the point to ask from next time. */
export interface CatalogChanges {
  /** Snapshot xmin of the read: every transaction not yet visible has an id at or above it. */
  nextXmin: bigint;
  rows: CatalogRow[];
  deletedIds: string[];
}

interface RawCatalogRow {
  snap_xmin: string;
  deleted: string[];
  id: string | null;
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
  downloads: number;
  likes: number;
  trending_score: number;
  parameters: number | null;
  created_at: Date;
  last_modified: Date;
  verified: boolean;
  offer_commercial: boolean;
}

/**
 * PostgreSQL side of search: the changes the in-memory index refreshes from, and full-text
 * matching with its ranking. Both are index-driven (models.search_xid btree, the GIN tsvector and
 * trigram indexes of the discovery migration).
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
   * prices `@@` and `<%` per row so low that it prefers a sequential scan, which then spends
   * 40-70 ms computing word similarities; the GIN indexes answer in a few milliseconds.
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
    return {
      nextXmin: BigInt(raw.rows[0].snap_xmin),
      rows: raw.rows.filter((r) => r.id !== null).map(toCatalogRow),
      deletedIds: raw.rows[0].deleted,
    };
  }

  /** The card text of the model's search document (a trigger rebuilds the document). */
  async setSearchBody(modelId: string, body: string): Promise<void> {
    await this.prisma.model.updateMany({ where: { id: modelId }, data: { searchBody: body } });
  }

  /**
   * Models matching the query: the tsquery over the weighted document (name A; namespace, tags,
   * task, library B; card C), with its `ts_rank` (weights D C B A = 0.05 0.2 0.5 1), OR a trigram
   * word similarity with the name ≥ 0.6 (typos, partial names), with that similarity. Two index
   * scans of model_search_docs, never the wide models rows; the similarity is computed for the
   * trigram candidates only (computing it for every text match tripled the cost of broad queries).
   * `ranked: false` (a query sorted by something else than relevance) skips both scores: one
   * BitmapOr of the two indexes, ids only, 2-3x cheaper on broad queries.
   */
  async match(query: PreparedQuery, ranked = true): Promise<Map<string, TextMatch>> {
    const slash = query.text.indexOf('/');
    const name = slash >= 0 ? query.text.slice(slash + 1) : query.text;
    const res = await this.matchPool.query<[string, number, number]>({ text: ranked ? MATCH_SQL : MATCH_IDS_SQL, values: [query.tsquery, name], rowMode: 'array' });
    const out = new Map<string, TextMatch>();
    for (const [id, rank, similarity] of res.rows) {
      const seen = out.get(id);
      if (seen) {
        seen.rank = Math.max(seen.rank, rank);
        seen.similarity = Math.max(seen.similarity, similarity);
      } else out.set(id, { rank, similarity });
    }
    return out;
  }
}

/** How a model matched a text query (see `relevance`). */
export interface TextMatch {
  /** ts_rank of the document, 0 when only the name's trigrams matched. */
  rank: number;
  /** Word similarity of the query with the name, 0 when only the document matched. */
  similarity: number;
}

const CHANGES_SQL = `
  WITH snap AS (
    SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS snap_xmin,
           CASE WHEN $3::bool THEN ARRAY(SELECT model_id::text FROM search_tombstones WHERE xid >= $1::bigint) ELSE '{}' END AS deleted
  )
  SELECT snap.snap_xmin, snap.deleted, c.* FROM snap LEFT JOIN LATERAL (
    SELECT m.id::text, m.namespace_id::text, n.name AS namespace, m.name, m.private, m.license, m.pipeline_tag,
           m.library_name, m.tags, m.languages, m.datasets, m.base_models, m.downloads, m.likes, m.trending_score,
           m.parameters::float8 AS parameters,
           -- timestamp(3) holds UTC (Prisma's convention); node-pg would read it as local time.
           m.created_at AT TIME ZONE 'UTC' AS created_at, m.last_modified AT TIME ZONE 'UTC' AS last_modified,
           coalesce(o.verified, false) AS verified,
           EXISTS (
             SELECT 1 FROM license_offers lo
             JOIN license_terms_versions tv ON tv.offer_id = lo.id AND tv.version = lo.current_version
             WHERE lo.model_id = m.id AND lo.withdrawn_at IS NULL
               AND (tv.commercial_use OR (lo.kind = 'open' AND lower(lo.spdx_id) = ANY($2::text[])))
           ) AS offer_commercial
    FROM models m
    JOIN namespaces n ON n.id = m.namespace_id
    LEFT JOIN organizations o ON o.namespace_id = m.namespace_id
    WHERE m.search_xid >= $1::bigint
  ) c ON true`;

// $1 tsquery text (null: names only), $2 the name part of the query.
const MATCH_SQL = `
  WITH q AS (SELECT CASE WHEN $1::text IS NULL THEN NULL ELSE to_tsquery('simple', $1::text) END AS tsq)
  SELECT d.model_id::text, ts_rank('{0.05, 0.2, 0.5, 1.0}', d.document, q.tsq)::float8, 0::float8
  FROM model_search_docs d CROSS JOIN q WHERE d.document @@ q.tsq
  UNION ALL
  SELECT d.model_id::text, 0::float8, word_similarity($2, d.name_key)::float8
  FROM model_search_docs d WHERE $2 <% d.name_key`;

const MATCH_IDS_SQL = `
  WITH q AS (SELECT CASE WHEN $1::text IS NULL THEN NULL ELSE to_tsquery('simple', $1::text) END AS tsq)
  SELECT d.model_id::text, 0::float8, 0::float8 FROM model_search_docs d CROSS JOIN q WHERE d.document @@ q.tsq OR $2 <% d.name_key`;

const toCatalogRow = (r: RawCatalogRow): CatalogRow => ({
  id: r.id!,
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
  downloads: r.downloads,
  likes: r.likes,
  trendingScore: r.trending_score,
  parameters: r.parameters,
  createdAt: r.created_at,
  lastModified: r.last_modified,
  verified: r.verified,
  offerCommercial: r.offer_commercial,
});
