import { Injectable } from '@nestjs/common';
import { Prisma } from '../../generated/prisma/client';
import { PrismaService } from '../../database/prisma.service';

/** Days a signal stays in the trending score. */
export const TRENDING_DAYS = 7;
/** A like weighs as much as this many counted downloads. */
export const LIKE_WEIGHT = 5;

/**
 * trendingScore = Σ over the last 7 UTC days (today: age 0) of (7 − age) / 7 × (counted downloads
 * + 5 × likes given that day). A counted download adds 1 at once (today's weight); this job makes
 * the score exact and lets it decay.
 */
@Injectable()
export class TrendingRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Recomputes the score of the given models, or of every model with a score or recent signals. */
  async recompute(modelIds?: string[]): Promise<number> {
    const only = modelIds ? Prisma.sql`AND m.id = ANY(${modelIds}::uuid[])` : Prisma.empty;
    return this.prisma.$executeRaw`
      WITH today AS (SELECT (now() AT TIME ZONE 'UTC')::date AS d),
      signals AS (
        SELECT dd.model_id, dd.downloads::float8 * (${TRENDING_DAYS}::int - (today.d - dd.day)) / ${TRENDING_DAYS}::int AS s
        FROM model_download_days dd, today WHERE dd.day > today.d - ${TRENDING_DAYS}::int
        UNION ALL
        SELECT l.model_id, ${LIKE_WEIGHT}::float8 * (${TRENDING_DAYS}::int - (today.d - l.created_at::date)) / ${TRENDING_DAYS}::int
        FROM model_likes l, today WHERE l.created_at::date > today.d - ${TRENDING_DAYS}::int
      ),
      scores AS (SELECT model_id, sum(s) AS score FROM signals GROUP BY model_id)
      UPDATE models m SET trending_score = coalesce(sc.score, 0)
      FROM models m2 LEFT JOIN scores sc ON sc.model_id = m2.id
      WHERE m.id = m2.id AND (m2.trending_score <> 0 OR sc.score IS NOT NULL) ${only}
        AND m.trending_score IS DISTINCT FROM coalesce(sc.score, 0)`;
  }

  /** Counted-download rows of past days are no longer needed to deduplicate. */
  async pruneCountedDownloads(): Promise<number> {
    return this.prisma.$executeRaw`DELETE FROM counted_downloads WHERE day < (now() AT TIME ZONE 'UTC')::date - 1`;
  }

  /** Tombstones every search index has long since applied (processes reload fully after 6 hours). */
  async pruneTombstones(): Promise<number> {
    return this.prisma.$executeRaw`DELETE FROM search_tombstones WHERE deleted_at < now() AT TIME ZONE 'UTC' - interval '1 day'`;
  }
}
