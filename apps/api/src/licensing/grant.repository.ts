import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client';
import { CacheInvalidation } from '../cache/cache-invalidation.service';
import { PrismaService } from '../database/prisma.service';
import { AuditContext, AuditInput, auditRow } from './license-audit.repository';
import type { Grantee, GrantRecord } from './licensing-records';
import type { RepoKind } from '../models/repo-kind';

/** What grants and requests both include: the grantee, the offer's title and the model's name. */
export const partiesInclude = {
  granteeOrg: { select: { id: true, name: true } },
  granteeUser: { select: { id: true, username: true } },
  offer: { select: { title: true } },
  model: { select: { kind: true, name: true, namespace: { select: { name: true } } } },
} as const;

interface PartiesRow {
  granteeOrg: { id: string; name: string } | null;
  granteeUser: { id: string; username: string } | null;
  offer: { title: string };
  model: { kind: RepoKind; name: string; namespace: { name: string } };
}

export const partiesOf = (r: PartiesRow): { grantee: Grantee; offerTitle: string; modelName: string; repoKind: RepoKind } => ({
  grantee: r.granteeOrg
    ? { kind: 'org', id: r.granteeOrg.id, name: r.granteeOrg.name }
    : { kind: 'user', id: r.granteeUser!.id, name: r.granteeUser!.username },
  offerTitle: r.offer.title,
  modelName: `${r.model.namespace.name}/${r.model.name}`,
  repoKind: r.model.kind,
});

export const grantInclude = partiesInclude satisfies Prisma.LicenseGrantInclude;
type GrantRow = Prisma.LicenseGrantGetPayload<{ include: typeof grantInclude }>;

export const toGrantRecord = (g: GrantRow): GrantRecord => ({
  id: g.id,
  offerId: g.offerId,
  modelId: g.modelId,
  requestId: g.requestId,
  ...partiesOf(g),
  termsVersion: g.termsVersion,
  startsAt: g.startsAt,
  endsAt: g.endsAt,
  revokedAt: g.revokedAt,
  revokeReason: g.revokeReason,
  createdAt: g.createdAt,
});

export interface GrantFilter {
  /** Grants on the models of this organization (issued). */
  modelOwnerOrgId?: string;
  /** Grants held by this organization. */
  granteeOrgId?: string;
  granteeUserId?: string;
  modelId?: string;
}

export type RevokeResult = { revoked: GrantRecord } | { notActive: 'revoked' | 'expired' };

/** What a grant's terms say about its use: its rights, seats, call quotas and price. */
export interface GrantTerms {
  rights: string[];
  seats: number | null;
  callsPerMinute: number | null;
  callsPerDay: number | null;
  price: { amount: string; currency: string; period: string } | null;
}

/** A call window after counting a call (calls so far, the limit, when it resets). */
export interface CountedWindow {
  window: 'minute' | 'day';
  limit: number;
  calls: number;
  resetAt: Date;
}

export type UseOutcome =
  { ok: true; windows: CountedWindow[] } | { ok: false; reason: 'inactive' | 'seat_limit' } | { ok: false; reason: 'quota'; window: CountedWindow };

/** Thrown inside a use transaction to roll back what it counted. */
class UseRefused extends Error {
  constructor(readonly outcome: UseOutcome) {
    super('refused');
  }
}

const WINDOW_MS = { minute: 60_000, day: 86_400_000 } as const;

@Injectable()
export class GrantRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly invalidation: CacheInvalidation,
  ) {}

  findById(id: string): Promise<GrantRecord | null> {
    return this.prisma.licenseGrant.findUnique({ where: { id }, include: grantInclude }).then((g) => (g ? toGrantRecord(g) : null));
  }

  async list(filter: GrantFilter, take = 500): Promise<GrantRecord[]> {
    const rows = await this.prisma.licenseGrant.findMany({
      where: {
        modelId: filter.modelId,
        granteeOrgId: filter.granteeOrgId,
        granteeUserId: filter.granteeUserId,
        model: filter.modelOwnerOrgId ? { namespace: { organization: { is: { id: filter.modelOwnerOrgId } } } } : undefined,
      },
      include: grantInclude,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
    });
    return rows.map(toGrantRecord);
  }

  /**
   * An active grant on the model held by the user (`userId`, null when their credential does not
   * count for themselves) or by one of `orgIds` (their organizations, as OrgAccessService.memberships
   * reads them). The longest-lasting grant first.
   */
  async findActiveFor(
    modelId: string,
    holders: { userId: string | null; orgIds: string[] },
    right = 'download',
  ): Promise<(GrantRecord & { terms: GrantTerms }) | null> {
    const now = new Date();
    const holder: Prisma.LicenseGrantWhereInput = {
      OR: [...(holders.userId ? [{ granteeUserId: holders.userId }] : []), { granteeOrgId: { in: holders.orgIds } }],
    };
    const rows = await this.prisma.licenseGrant.findMany({
      where: { modelId, revokedAt: null, startsAt: { lte: now }, AND: [{ OR: [{ endsAt: null }, { endsAt: { gt: now } }] }, holder] },
      include: grantInclude,
      orderBy: [{ endsAt: { sort: 'desc', nulls: 'first' } }, { createdAt: 'asc' }],
    });
    if (!rows.length) return null;
    const terms = await this.prisma.licenseTermsVersion.findMany({ where: { OR: rows.map((g) => ({ offerId: g.offerId, version: g.termsVersion })) } });
    for (const row of rows) {
      const t = terms.find((v) => v.offerId === row.offerId && v.version === row.termsVersion);
      if (!t || !t.rights.includes(right)) continue;
      return {
        ...toGrantRecord(row),
        terms: {
          rights: t.rights,
          seats: t.seats,
          callsPerMinute: t.callsPerMinute,
          callsPerDay: t.callsPerDay,
          price:
            t.priceAmount !== null && t.priceCurrency ? { amount: t.priceAmount.toString(), currency: t.priceCurrency, period: t.pricePeriod ?? '' } : null,
        },
      };
    }
    return null;
  }

  /**
   * A hosted call under a grant, confirmed as a download is (`FOR SHARE` while active, so a
   * committed revoke stops it), taking a seat for `userId` and counting the call in each quota
   * window; a window at its limit refuses the call and nothing is counted.
   */
  async confirmCall(grantId: string, userId: string, seats: number | null, quotas: { window: 'minute' | 'day'; limit: number }[]): Promise<UseOutcome> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        if (!(await lockActive(tx, grantId))) throw new UseRefused({ ok: false, reason: 'inactive' });
        if (!(await takeSeat(tx, grantId, userId, seats))) throw new UseRefused({ ok: false, reason: 'seat_limit' });
        const windows: CountedWindow[] = [];
        const now = Date.now();
        for (const q of quotas) {
          const startsAt = new Date(now - (now % WINDOW_MS[q.window]));
          const resetAt = new Date(startsAt.getTime() + WINDOW_MS[q.window]);
          const [row] = await tx.$queryRaw<{ calls: number }[]>`
            INSERT INTO license_grant_call_windows (grant_id, "window", starts_at, calls) VALUES (${grantId}::uuid, ${q.window}, ${startsAt}, 1)
            ON CONFLICT (grant_id, "window", starts_at) DO UPDATE SET calls = license_grant_call_windows.calls + 1
            WHERE license_grant_call_windows.calls < ${q.limit}
            RETURNING calls`;
          if (!row) throw new UseRefused({ ok: false, reason: 'quota', window: { window: q.window, limit: q.limit, calls: q.limit, resetAt } });
          windows.push({ window: q.window, limit: q.limit, calls: row.calls, resetAt });
        }
        return { ok: true as const, windows };
      });
    } catch (e) {
      if (e instanceof UseRefused) return e.outcome;
      throw e;
    }
  }

  /**
   * Revokes an active grant. The row is locked first (`FOR UPDATE`), which waits for every
   * download holding it `FOR SHARE` (see `confirmDownload`); only then is `revoked_at` taken from
   * the clock. So every download authorized under the grant is ordered before the revoke, and no
   * download can be authorized once the revoke has committed.
   */
  async revoke(id: string, byId: string, reason: string, audit: AuditContext): Promise<RevokeResult> {
    const result = await this.prisma.$transaction(async (tx): Promise<RevokeResult> => {
      const [row] = await tx.$queryRaw<{ revoked: boolean; expired: boolean }[]>`
        SELECT revoked_at IS NOT NULL AS revoked, (ends_at IS NOT NULL AND ends_at <= clock_timestamp()) AS expired
        FROM license_grants WHERE id = ${id}::uuid FOR UPDATE`;
      if (row.revoked) return { notActive: 'revoked' as const };
      if (row.expired) return { notActive: 'expired' as const };
      await tx.$executeRaw`UPDATE license_grants SET revoked_at = clock_timestamp(), revoked_by_id = ${byId}::uuid, revoke_reason = ${reason} WHERE id = ${id}::uuid`;
      await tx.licenseAuditEvent.create({ data: auditRow(audit, { action: 'grant.revoked', grantId: id, details: { reason } }) });
      const revoked = toGrantRecord(await tx.licenseGrant.findUniqueOrThrow({ where: { id }, include: grantInclude }));
      await this.invalidation.publish(tx, 'grant', { modelId: revoked.modelId });
      return { revoked };
    });
    if ('revoked' in result) this.invalidation.dropLocal('grant', { modelId: result.revoked.modelId });
    return result;
  }

  /**
   * The moment a download under a grant is authorized: locks the grant `FOR SHARE` if it is still
   * active by the database clock, and writes the audit rows (one per file served) while holding
   * the lock, `at` taken from the clock once the lock is held (strictly before any revoke of this
   * grant). One statement, so one round trip: the lock lasts until it ends, and the rows are
   * written only when the grant was held. False when the grant was revoked or has expired since
   * the decision.
   */
  async confirmDownload(grantId: string, audits: readonly AuditInput[], seat?: { userId: string; seats: number }): Promise<boolean | 'seat_limit'> {
    if (!seat) return writeDownloadAudit(this.prisma, grantId, audits);
    // A grant with seats: the user's seat is taken (or found) under the same lock as the audit rows.
    return this.prisma.$transaction(async (tx) => {
      if (!(await lockActive(tx, grantId))) return false;
      if (!(await takeSeat(tx, grantId, seat.userId, seat.seats))) return 'seat_limit';
      return writeDownloadAudit(tx, grantId, audits);
    });
  }

  /**
   * Claims the active grants ending within `until` whose expiry notice has not gone out, marking
   * them notified in the same statement (`SKIP LOCKED`: two replicas never notify one grant twice).
   */
  async claimExpiring(until: Date): Promise<GrantRecord[]> {
    const claimed = await this.prisma.$queryRaw<{ id: string }[]>`
      UPDATE license_grants SET expiring_notified_at = clock_timestamp()
      WHERE id IN (
        SELECT id FROM license_grants
        WHERE expiring_notified_at IS NULL AND revoked_at IS NULL AND ends_at IS NOT NULL
          AND ends_at > clock_timestamp() AND ends_at <= ${until}
        FOR UPDATE SKIP LOCKED)
      RETURNING id`;
    if (!claimed.length) return [];
    const rows = await this.prisma.licenseGrant.findMany({ where: { id: { in: claimed.map((c) => c.id) } }, include: grantInclude });
    return rows.map(toGrantRecord);
  }
}

type Tx = Prisma.TransactionClient;

/** Locks the grant `FOR SHARE` if it is active by the database clock (a revoke waits for it, see `revoke`). */
async function lockActive(tx: Tx, grantId: string): Promise<boolean> {
  const held = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM license_grants
    WHERE id = ${grantId}::uuid AND revoked_at IS NULL AND starts_at <= clock_timestamp() AND (ends_at IS NULL OR ends_at > clock_timestamp())
    FOR SHARE`;
  return held.length > 0;
}

/**
 * The user's seat on the grant: theirs already, or a free one taken now. New seats are taken one
 * at a time per grant (a transaction-scoped advisory lock), so N seats never go to N+1 users.
 */
async function takeSeat(tx: Tx, grantId: string, userId: string, seats: number | null): Promise<boolean> {
  if (seats === null) return true;
  const has = await tx.$queryRaw<{ one: number }[]>`SELECT 1 AS one FROM license_grant_seats WHERE grant_id = ${grantId}::uuid AND user_id = ${userId}::uuid`;
  if (has.length) return true;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`seat:${grantId}`}))`;
  const inserted = await tx.$executeRaw`
    INSERT INTO license_grant_seats (grant_id, user_id)
    SELECT ${grantId}::uuid, ${userId}::uuid WHERE (SELECT count(*) FROM license_grant_seats WHERE grant_id = ${grantId}::uuid) < ${seats}
    ON CONFLICT DO NOTHING`;
  if (inserted > 0) return true;
  // Taken by the same user in a concurrent call: still theirs.
  return (
    (await tx.$queryRaw<{ one: number }[]>`SELECT 1 AS one FROM license_grant_seats WHERE grant_id = ${grantId}::uuid AND user_id = ${userId}::uuid`).length > 0
  );
}

/** The audit rows of a download, written in one statement only if the grant is active (locked `FOR SHARE` while they are written). */
async function writeDownloadAudit(db: Tx | PrismaService, grantId: string, audits: readonly AuditInput[]): Promise<boolean> {
  const rows = audits.map((a) => ({
    action: a.action,
    actor_user_id: a.actorUserId ?? null,
    actor_name: a.actorName ?? null,
    model_id: a.modelId ?? null,
    model_name: a.modelName ?? null,
    publisher_org_id: a.publisherOrgId ?? null,
    licensee_org_id: a.licenseeOrgId ?? null,
    licensee_user_id: a.licenseeUserId ?? null,
    licensee_name: a.licenseeName ?? null,
    offer_id: a.offerId ?? null,
    terms_version: a.termsVersion ?? null,
    via: a.via ?? null,
    path: a.path ?? null,
    revision: a.revision ?? null,
    commit_id: a.commitId ?? null,
    details: a.details ?? {},
  }));
  const [result] = await db.$queryRaw<{ held: boolean }[]>`
      WITH held AS (
        SELECT id FROM license_grants
        WHERE id = ${grantId}::uuid AND revoked_at IS NULL AND starts_at <= clock_timestamp() AND (ends_at IS NULL OR ends_at > clock_timestamp())
        FOR SHARE
      ), written AS (
        INSERT INTO license_audit_events (at, action, actor_user_id, actor_name, model_id, model_name, publisher_org_id, licensee_org_id,
          licensee_user_id, licensee_name, offer_id, terms_version, grant_id, via, path, revision, commit_id, details)
        SELECT clock_timestamp(), a.action, a.actor_user_id, a.actor_name, a.model_id, a.model_name, a.publisher_org_id, a.licensee_org_id,
          a.licensee_user_id, a.licensee_name, a.offer_id, a.terms_version, held.id, a.via, a.path, a.revision, a.commit_id, a.details
        FROM held CROSS JOIN jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS a(action text, actor_user_id uuid, actor_name text, model_id uuid,
          model_name text, publisher_org_id uuid, licensee_org_id uuid, licensee_user_id uuid, licensee_name text, offer_id uuid, terms_version int,
          via text, path text, revision text, commit_id text, details jsonb)
        RETURNING 1
      )
      SELECT EXISTS (SELECT 1 FROM held) AS held`;
  return result.held;
}
