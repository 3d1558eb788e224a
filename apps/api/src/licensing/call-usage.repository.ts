import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';

/** Calls of one licensee on one day (UTC), from the metering's records (inference_calls). */
export interface CallDay {
  day: string;
  licenseeOrgId: string | null;
  licenseeName: string;
  calls: number;
  errors: number;
  p50Ms: number;
  p95Ms: number;
  /** Sum of the per-call prices of the answered calls (decimal string), and its currency. */
  amount: string | null;
  currency: string | null;
}

/** What a licensee owes for calls in one month (UTC), per currency. */
export interface CallMonth {
  month: string;
  licenseeOrgId: string | null;
  licenseeName: string;
  calls: number;
  amount: string;
  currency: string;
}

/**
 * Licensing's reading of hosted calls for usage reports: the calls under grants (the licensee's
 * side), aggregated in PostgreSQL per licensee and day, and the amounts owed per month.
 */
@Injectable()
export class CallUsageRepository {
  constructor(private readonly prisma: PrismaService) {}

  async perDay(modelId: string, from: Date, to: Date, licensee?: string): Promise<CallDay[]> {
    const rows = await this.prisma.$queryRaw<
      {
        day: Date;
        licensee_org_id: string | null;
        licensee_name: string;
        calls: bigint;
        errors: bigint;
        p50: number;
        p95: number;
        amount: string | null;
        currency: string | null;
      }[]
    >`
      SELECT date_trunc('day', at AT TIME ZONE 'UTC') AS day, licensee_org_id, licensee_name, count(*) AS calls,
        count(*) FILTER (WHERE status >= 400) AS errors,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50, percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95,
        sum(price_amount)::text AS amount, max(price_currency) AS currency
      FROM inference_calls
      WHERE model_id = ${modelId}::uuid AND grant_id IS NOT NULL AND at >= ${from} AND at < ${to}
        AND (${licensee ?? null}::text IS NULL OR licensee_name = ${licensee ?? null})
      GROUP BY 1, 2, 3 ORDER BY 1, 3`;
    return rows.map((r) => ({
      day: r.day.toISOString().slice(0, 10),
      licenseeOrgId: r.licensee_org_id,
      licenseeName: r.licensee_name,
      calls: Number(r.calls),
      errors: Number(r.errors),
      p50Ms: round(r.p50),
      p95Ms: round(r.p95),
      amount: r.amount,
      currency: r.currency,
    }));
  }

  async owedPerMonth(modelId: string, from: Date, to: Date, licensee?: string): Promise<CallMonth[]> {
    const rows = await this.prisma.$queryRaw<
      { month: Date; licensee_org_id: string | null; licensee_name: string; calls: bigint; amount: string; currency: string }[]
    >`
      SELECT date_trunc('month', at AT TIME ZONE 'UTC') AS month, licensee_org_id, licensee_name, count(*) AS calls, sum(price_amount)::text AS amount, price_currency AS currency
      FROM inference_calls
      WHERE model_id = ${modelId}::uuid AND grant_id IS NOT NULL AND price_amount IS NOT NULL AND at >= ${from} AND at < ${to}
        AND (${licensee ?? null}::text IS NULL OR licensee_name = ${licensee ?? null})
      GROUP BY 1, 2, 3, 6 ORDER BY 1, 3`;
    return rows.map((r) => ({
      month: r.month.toISOString().slice(0, 7),
      licenseeOrgId: r.licensee_org_id,
      licenseeName: r.licensee_name,
      calls: Number(r.calls),
      amount: r.amount,
      currency: r.currency,
    }));
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100;
