import { Injectable } from '@nestjs/common';
import { Prisma } from '../../generated/prisma/client';
import { PrismaService } from '../../database/prisma.service';
import type { CatalogRow } from './catalog-index';
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

/** Relevance tiers: a name match always outranks a match in the card alone. */
const EXACT_NAME = 100;
const NAME_PREFIX = 20;
const NAME_CONTAINS = 10;
const SIMILARITY = 10;
const TEXT_RANK = 10;

/**
 * PostgreSQL side of search: the changes the in-memory index refreshes from, and full-text
 * matching with its ranking. Both are index-driven (models.search_xid btree, the GIN tsvector and
 * trigram indexes of the discovery migration).
 */
@Injectable()
export class SearchIndexRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Models changed by transactions at or after `sinceXmin` (null: every model), in the same
   * snapshot as the xmin returned for the next call, and models deleted since.
   */
  async changesSince(sinceXmin: bigint | null): Promise<CatalogChanges> {
    const since = sinceXmin ?? -1n;
    const raw = await this.prisma.$queryRaw<RawCatalogRow[]>`
      WITH snap AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS snap_xmin)
      SELECT snap.snap_xmin, c.* FROM snap LEFT JOIN LATERAL (
        SELECT m.id::text, m.namespace_id::text, n.name AS namespace, m.name, m.private, m.license, m.pipeline_tag,
               m.library_name, m.tags, m.languages, m.datasets, m.base_models, m.downloads, m.likes, m.trending_score,
               m.parameters::float8 AS parameters, m.created_at, m.last_modified, coalesce(o.verified, false) AS verified,
               EXISTS (
                 SELECT 1 FROM license_offers lo
                 JOIN license_terms_versions tv ON tv.offer_id = lo.id AND tv.version = lo.current_version
                 WHERE lo.model_id = m.id AND lo.withdrawn_at IS NULL
                   AND (tv.commercial_use OR (lo.kind = 'open' AND lower(lo.spdx_id) = ANY(${COMMERCIAL_LICENSES as string[]}::text[])))
               ) AS offer_commercial
        FROM models m
        JOIN namespaces n ON n.id = m.namespace_id
        LEFT JOIN organizations o ON o.namespace_id = m.namespace_id
        WHERE m.search_xid >= ${since}
      ) c ON true`;
    const deleted =
      sinceXmin === null
        ? []
        : await this.prisma.$queryRaw<{ model_id: string }[]>`SELECT model_id::text FROM search_tombstones WHERE xid >= ${sinceXmin}`;
    return {
      nextXmin: BigInt(raw[0].snap_xmin),
      rows: raw.filter((r) => r.id !== null).map(toCatalogRow),
      deletedIds: deleted.map((d) => d.model_id),
    };
  }

  /** The card text of the model's search document (the trigger rebuilds the tsvector). */
  async setSearchBody(modelId: string, body: string): Promise<void> {
    await this.prisma.model.updateMany({ where: { id: modelId }, data: { searchBody: body } });
  }

  /**
   * Models matching the query, with their relevance: the tsquery over the weighted document
   * (name A; namespace, tags, task, library B; card C), OR a trigram word similarity with the name
   * (typos, partial names). Score: exact name 100, name prefix 20, name substring 10, name
   * similarity 0-10, text rank 0-10 (weights D C B A = 0.05 0.2 0.5 1).
   */
  async match(query: PreparedQuery): Promise<Map<string, number>> {
    const q = query.text;
    const like = `${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const slash = q.indexOf('/');
    const nameOnly = slash >= 0 ? q.slice(slash + 1) : q;
    const tsquery = query.tsquery ? Prisma.sql`to_tsquery('simple', ${query.tsquery})` : Prisma.sql`NULL::tsquery`;
    const rows = await this.prisma.$queryRaw<{ id: string; score: number }[]>`
      WITH q AS (SELECT ${tsquery} AS tsq)
      SELECT m.id::text AS id,
        ( CASE WHEN lower(m.name) = ${nameOnly} AND (${slash < 0} OR lower(n.name) || '/' || lower(m.name) = ${q}) THEN ${EXACT_NAME} ELSE 0 END
        + CASE WHEN lower(m.name) LIKE ${like} THEN ${NAME_PREFIX} ELSE 0 END
        + CASE WHEN strpos(lower(m.name), ${nameOnly}) > 0 THEN ${NAME_CONTAINS} ELSE 0 END
        + ${SIMILARITY} * word_similarity(${nameOnly}, lower(m.name))
        + CASE WHEN q.tsq IS NULL THEN 0 ELSE ${TEXT_RANK} * ts_rank('{0.05, 0.2, 0.5, 1.0}', m.search_vector, q.tsq) END
        )::float8 AS score
      FROM models m CROSS JOIN q JOIN namespaces n ON n.id = m.namespace_id
      WHERE m.search_vector @@ q.tsq OR ${nameOnly} <% lower(m.name)`;
    return new Map(rows.map((r) => [r.id, r.score]));
  }
}

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
