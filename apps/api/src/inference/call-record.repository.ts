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
   * grant and hour (`model.called`, {calls, errors}), in one transaction: the audit log shows calls
   * like downloads without a row per call.
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
    const rows = calls.map((c) => ({
      at: c.at,
      deploymentId: c.deploymentId,
      modelId: c.modelId,
      versionName: c.versionName,
      callerUserId: c.callerUserId,
      callerName: c.callerName,
      via: c.via,
      grantId: c.grantId,
      licenseeOrgId: c.licenseeOrgId,
      licenseeUserId: c.licenseeUserId,
      licenseeName: c.licenseeName,
      status: c.status,
      latencyMs: c.latencyMs,
      requestBytes: c.requestBytes,
      responseBytes: c.responseBytes,
      priceAmount: c.price && c.status < 400 ? c.price.amount : null,
      priceCurrency: c.price && c.status < 400 ? c.price.currency : null,
    }));
    // The answers wait for this commit, but not for its WAL flush (synchronous_commit off, this
    // transaction only): committed, the rows are in PostgreSQL and visible, so a hub killed the next
    // instant loses none; only a crash of PostgreSQL itself within its WAL writer's delay (~200 ms)
    // could. Waiting for the disk cost every call a flush (~5-10 ms here).
    await this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL synchronous_commit = off`;
      await tx.inferenceCall.createMany({ data: rows });
      for (const { call: c, at, calls: n, errors } of hours.values()) {
        await tx.$executeRaw`
          INSERT INTO license_audit_events (at, action, actor_user_id, actor_name, model_id, model_name, publisher_org_id, licensee_org_id,
            licensee_user_id, licensee_name, offer_id, terms_version, grant_id, via, details)
          VALUES (${at}, 'model.called', ${c.callerUserId}::uuid, ${c.callerName}, ${c.modelId}::uuid, ${c.modelName}, ${c.publisherOrgId}::uuid,
            ${c.licenseeOrgId}::uuid, ${c.licenseeUserId}::uuid, ${c.licenseeName}, ${c.offerId}::uuid, ${c.termsVersion}::int, ${c.grantId}::uuid, 'grant',
            jsonb_build_object('calls', ${n}::int, 'errors', ${errors}::int))
          ON CONFLICT (grant_id, at) WHERE action = 'model.called'
          DO UPDATE SET details = jsonb_build_object(
            'calls', COALESCE((license_audit_events.details->>'calls')::int, 0) + ${n}::int,
            'errors', COALESCE((license_audit_events.details->>'errors')::int, 0) + ${errors}::int)`;
      }
    });
  }
}
