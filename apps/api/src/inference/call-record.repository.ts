import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';

/** One hosted call as the metering records it (docs/inference.md). */
export interface CallRecord {
  at: Date;
  deploymentId: string;
  modelId: string;
  modelName: string;
  publisherOrgId: string | null;
  versionName: string;
  callerUserId: string | null;
  callerName: string | null;
  /** `refused`: the decision refused the call (its status says how). */
  via: 'public' | 'member' | 'grant' | 'refused';
  grantId: string | null;
  offerId: string | null;
  termsVersion: number | null;
  licenseeOrgId: string | null;
  licenseeUserId: string | null;
  licenseeName: string | null;
  status: number;
  latencyMs: number;
  requestBytes: number;
  responseBytes: number;
  price: { amount: string; currency: string } | null;
}

const hourOf = (d: Date) => new Date(Math.floor(d.getTime() / 3_600_000) * 3_600_000);

@Injectable()
export class CallRecordRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Writes calls and, for calls under a grant, adds them to the licence audit log's entry of that
   * grant and hour (`model.called`, {calls, errors}): the audit log shows calls like downloads
   * without a row per call. One statement (its own transaction, one round trip), committed without
   * waiting for the WAL flush (synchronous_commit off for it alone): the caller answers once it has
   * committed, so the rows are in PostgreSQL and visible, and a hub killed the next instant loses
   * none; only a crash of PostgreSQL itself within its WAL writer's delay (~200 ms) could. The
   * flush cost every call ~8 ms here (bench/README.md).
   */
  async insertMany(calls: readonly CallRecord[]): Promise<void> {
    const hours = new Map<string, { call: CallRecord; at: Date; calls: number; errors: number }>();
    for (const c of calls) {
      if (!c.grantId) continue;
      const at = hourOf(c.at);
      const key = `${c.grantId} ${at.getTime()}`;
      const h = hours.get(key) ?? { call: c, at, calls: 0, errors: 0 };
      h.calls++;
      if (c.status >= 400) h.errors++;
      hours.set(key, h);
    }
    const col = <T>(f: (c: CallRecord) => T) => calls.map(f);
    const priced = (c: CallRecord) => c.price !== null && c.status < 400;
    const hour = [...hours.values()];
    const hcol = <T>(f: (h: (typeof hour)[number]) => T) => hour.map(f);
    await this.prisma.$queryRaw`
      WITH calls AS (
        INSERT INTO inference_calls (at, deployment_id, model_id, version_name, caller_user_id, caller_name, via, grant_id, licensee_org_id,
          licensee_user_id, licensee_name, status, latency_ms, request_bytes, response_bytes, price_amount, price_currency)
        SELECT * FROM unnest(${col((c) => c.at)}::timestamptz[], ${col((c) => c.deploymentId)}::uuid[], ${col((c) => c.modelId)}::uuid[],
          ${col((c) => c.versionName)}::text[], ${col((c) => c.callerUserId)}::uuid[], ${col((c) => c.callerName)}::text[], ${col((c) => c.via)}::text[],
          ${col((c) => c.grantId)}::uuid[], ${col((c) => c.licenseeOrgId)}::uuid[], ${col((c) => c.licenseeUserId)}::uuid[],
          ${col((c) => c.licenseeName)}::text[], ${col((c) => c.status)}::int[], ${col((c) => c.latencyMs)}::float8[], ${col((c) => c.requestBytes)}::int[],
          ${col((c) => c.responseBytes)}::int[], ${col((c) => (priced(c) ? c.price!.amount : null))}::numeric[],
          ${col((c) => (priced(c) ? c.price!.currency : null))}::text[])
        RETURNING 1
      ), audit AS (
        INSERT INTO license_audit_events (at, action, actor_user_id, actor_name, model_id, model_name, publisher_org_id, licensee_org_id,
          licensee_user_id, licensee_name, offer_id, terms_version, grant_id, via, details)
        SELECT h.at, 'model.called', h.actor, h.actor_name, h.model, h.model_name, h.publisher, h.licensee_org, h.licensee_user, h.licensee_name,
          h.offer, h.terms, h.grant_id, 'grant', jsonb_build_object('calls', h.calls, 'errors', h.errors)
        FROM unnest(${hcol((h) => h.at)}::timestamptz[], ${hcol((h) => h.call.callerUserId)}::uuid[], ${hcol((h) => h.call.callerName)}::text[],
          ${hcol((h) => h.call.modelId)}::uuid[], ${hcol((h) => h.call.modelName)}::text[], ${hcol((h) => h.call.publisherOrgId)}::uuid[],
          ${hcol((h) => h.call.licenseeOrgId)}::uuid[], ${hcol((h) => h.call.licenseeUserId)}::uuid[], ${hcol((h) => h.call.licenseeName)}::text[],
          ${hcol((h) => h.call.offerId)}::uuid[], ${hcol((h) => h.call.termsVersion)}::int[], ${hcol((h) => h.call.grantId)}::uuid[],
          ${hcol((h) => h.calls)}::int[], ${hcol((h) => h.errors)}::int[])
          AS h(at, actor, actor_name, model, model_name, publisher, licensee_org, licensee_user, licensee_name, offer, terms, grant_id, calls, errors)
        ON CONFLICT (grant_id, at) WHERE action = 'model.called'
        DO UPDATE SET details = jsonb_build_object(
          'calls', COALESCE((license_audit_events.details->>'calls')::int, 0) + (EXCLUDED.details->>'calls')::int,
          'errors', COALESCE((license_audit_events.details->>'errors')::int, 0) + (EXCLUDED.details->>'errors')::int)
        RETURNING 1
      )
      SELECT set_config('synchronous_commit', 'off', true) AS commit_mode, (SELECT count(*) FROM calls) AS calls, (SELECT count(*) FROM audit) AS audited`;
  }
}
