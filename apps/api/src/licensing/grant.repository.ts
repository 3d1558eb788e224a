import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client';
import { CacheInvalidation } from '../cache/cache-invalidation.service';
import { PrismaService } from '../database/prisma.service';
import { AuditContext, AuditInput, auditRow } from './license-audit.repository';
import type { Grantee, GrantRecord } from './licensing-records';

/** What grants and requests both include: the grantee, the offer's title and the model's name. */
export const partiesInclude = {
  granteeOrg: { select: { id: true, name: true } },
  granteeUser: { select: { id: true, username: true } },
  offer: { select: { title: true } },
  model: { select: { name: true, namespace: { select: { name: true } } } },
} as const;

interface PartiesRow {
  granteeOrg: { id: string; name: string } | null;
  granteeUser: { id: string; username: string } | null;
  offer: { title: string };
  model: { name: string; namespace: { name: string } };
}

export const partiesOf = (r: PartiesRow): { grantee: Grantee; offerTitle: string; modelName: string } => ({
  grantee: r.granteeOrg
    ? { kind: 'org', id: r.granteeOrg.id, name: r.granteeOrg.name }
    : { kind: 'user', id: r.granteeUser!.id, name: r.granteeUser!.username },
  offerTitle: r.offer.title,
  modelName: `${r.model.namespace.name}/${r.model.name}`,
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
  async findActiveFor(modelId: string, holders: { userId: string | null; orgIds: string[] }): Promise<GrantRecord | null> {
    const now = new Date();
    const holder: Prisma.LicenseGrantWhereInput = {
      OR: [...(holders.userId ? [{ granteeUserId: holders.userId }] : []), { granteeOrgId: { in: holders.orgIds } }],
    };
    const row = await this.prisma.licenseGrant.findFirst({
      where: { modelId, revokedAt: null, startsAt: { lte: now }, AND: [{ OR: [{ endsAt: null }, { endsAt: { gt: now } }] }, holder] },
      include: grantInclude,
      orderBy: [{ endsAt: { sort: 'desc', nulls: 'first' } }, { createdAt: 'asc' }],
    });
    return row ? toGrantRecord(row) : null;
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
  async confirmDownload(grantId: string, audits: readonly AuditInput[]): Promise<boolean> {
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
    const [result] = await this.prisma.$queryRaw<{ held: boolean }[]>`
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
