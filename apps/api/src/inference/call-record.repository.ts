import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Pool } from 'pg';
import { HUB_CONFIG, type ResolvedHubConfig } from '../config/hub-config';

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

/** The calls of a batch, one row each. */
const INSERT_CALLS_SQL = `
  INSERT INTO inference_calls (at, deployment_id, model_id, version_name, caller_user_id, caller_name, via, grant_id, licensee_org_id,
    licensee_user_id, licensee_name, status, latency_ms, request_bytes, response_bytes, price_amount, price_currency)
  SELECT * FROM unnest($1::timestamptz[], $2::uuid[], $3::uuid[], $4::text[], $5::uuid[], $6::text[], $7::text[], $8::uuid[], $9::uuid[],
    $10::uuid[], $11::text[], $12::int[], $13::float8[], $14::int[], $15::int[], $16::numeric[], $17::text[])`;

/**
 * A batch with calls under a grant: the calls and their licence audit log's entry of that grant
 * and hour (`model.called`, {calls, errors}), in one statement: the audit log shows calls like
 * downloads without a row per call. PostgreSQL takes ~0.4 ms longer over this statement than
 * over the calls alone, so a batch without grant calls sends only those.
 */
const INSERT_CALLS_AND_AUDIT_SQL = `
  WITH calls AS (${INSERT_CALLS_SQL}
    RETURNING 1
  ), audit AS (
    INSERT INTO license_audit_events (at, action, actor_user_id, actor_name, model_id, model_name, publisher_org_id, licensee_org_id,
      licensee_user_id, licensee_name, offer_id, terms_version, grant_id, via, details)
    SELECT h.at, 'model.called', h.actor, h.actor_name, h.model, h.model_name, h.publisher, h.licensee_org, h.licensee_user, h.licensee_name,
      h.offer, h.terms, h.grant_id, 'grant', jsonb_build_object('calls', h.calls, 'errors', h.errors)
    FROM unnest($18::timestamptz[], $19::uuid[], $20::text[], $21::uuid[], $22::text[], $23::uuid[], $24::uuid[], $25::uuid[], $26::text[],
      $27::uuid[], $28::int[], $29::uuid[], $30::int[], $31::int[])
      AS h(at, actor, actor_name, model, model_name, publisher, licensee_org, licensee_user, licensee_name, offer, terms, grant_id, calls, errors)
    ON CONFLICT (grant_id, at) WHERE action = 'model.called'
    DO UPDATE SET details = jsonb_build_object(
      'calls', COALESCE((license_audit_events.details->>'calls')::int, 0) + (EXCLUDED.details->>'calls')::int,
      'errors', COALESCE((license_audit_events.details->>'errors')::int, 0) + (EXCLUDED.details->>'errors')::int)
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM calls) AS calls, (SELECT count(*) FROM audit) AS audited`;

/**
 * The meter's writes, on a connection of their own (CallMeter sends one batch at a time): a
 * prepared statement through `pg`, without Prisma's per-query layer, which cost a hot call
 * more CPU than the insert (bench/README.md, Inference). The connection runs with
 * synchronous_commit off: a batch is committed (in PostgreSQL, visible) before its calls are
 * answered, so a hub killed the next instant loses none; only a crash of PostgreSQL itself
 * within its WAL writer's delay (~200 ms) could. The WAL flush wait cost every call ~8 ms here.
 */
@Injectable()
export class CallRecordRepository implements OnModuleDestroy {
  private readonly pool: Pool;
  private closed?: Promise<void>;

  constructor(@Inject(HUB_CONFIG) config: ResolvedHubConfig) {
    this.pool = new Pool({ connectionString: config.databaseUrl, max: 1, application_name: 'model-hub-meter', options: '-c synchronous_commit=off' });
    // An idle client losing its connection must not crash the process: the next batch reconnects.
    this.pool.on('error', () => undefined);
  }

  onModuleDestroy(): Promise<void> {
    this.closed ??= this.pool.end();
    return this.closed;
  }

  /** Writes a batch of calls in one statement (its own transaction, one round trip). */
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
    const callValues = [
      col((c) => c.at),
      col((c) => c.deploymentId),
      col((c) => c.modelId),
      col((c) => c.versionName),
      col((c) => c.callerUserId),
      col((c) => c.callerName),
      col((c) => c.via),
      col((c) => c.grantId),
      col((c) => c.licenseeOrgId),
      col((c) => c.licenseeUserId),
      col((c) => c.licenseeName),
      col((c) => c.status),
      col((c) => c.latencyMs),
      col((c) => c.requestBytes),
      col((c) => c.responseBytes),
      col((c) => (priced(c) ? c.price!.amount : null)),
      col((c) => (priced(c) ? c.price!.currency : null)),
    ];
    if (!hour.length) {
      await this.pool.query({ name: 'model-hub-insert-calls', text: INSERT_CALLS_SQL, values: callValues });
      return;
    }
    const hourValues = [
      hcol((h) => h.at),
      hcol((h) => h.call.callerUserId),
      hcol((h) => h.call.callerName),
      hcol((h) => h.call.modelId),
      hcol((h) => h.call.modelName),
      hcol((h) => h.call.publisherOrgId),
      hcol((h) => h.call.licenseeOrgId),
      hcol((h) => h.call.licenseeUserId),
      hcol((h) => h.call.licenseeName),
      hcol((h) => h.call.offerId),
      hcol((h) => h.call.termsVersion),
      hcol((h) => h.call.grantId),
      hcol((h) => h.calls),
      hcol((h) => h.errors),
    ];
    await this.pool.query({ name: 'model-hub-insert-calls-audit', text: INSERT_CALLS_AND_AUDIT_SQL, values: [...callValues, ...hourValues] });
  }
}
