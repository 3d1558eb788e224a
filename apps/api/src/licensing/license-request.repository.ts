import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../database/prisma.service';
import { grantInclude, partiesInclude, partiesOf, toGrantRecord } from './grant.repository';
import { AuditContext, auditRow } from './license-audit.repository';
import type { Grantee, GrantRecord, RequestRecord, RequestStatus } from './licensing-records';

const user = { select: { id: true, username: true } } as const;
const include = { ...partiesInclude, requester: user, decidedBy: user, grant: { select: { id: true } } } satisfies Prisma.LicenseRequestInclude;
type RequestRow = Prisma.LicenseRequestGetPayload<{ include: typeof include }>;

const toRecord = (r: RequestRow): RequestRecord => ({
  id: r.id,
  offerId: r.offerId,
  modelId: r.modelId,
  ...partiesOf(r),
  requester: r.requester,
  termsVersion: r.termsVersion,
  answers: r.answers as Record<string, string>,
  message: r.message,
  status: r.status,
  decidedBy: r.decidedBy,
  decidedAt: r.decidedAt,
  decisionNote: r.decisionNote,
  createdAt: r.createdAt,
  grantId: r.grant?.id ?? null,
});

const granteeColumns = (g: Grantee) => (g.kind === 'org' ? { granteeOrgId: g.id } : { granteeUserId: g.id });

/** Active now, by the database's clock (the same rule as grantStatus). */
const activeGrantWhere = (now: Date) =>
  ({ revokedAt: null, startsAt: { lte: now }, OR: [{ endsAt: null }, { endsAt: { gt: now } }] }) satisfies Prisma.LicenseGrantWhereInput;

export interface NewRequest {
  offerId: string;
  modelId: string;
  requesterId: string;
  grantee: Grantee;
  termsVersion: number;
  answers: Record<string, string>;
  message: string;
  /** Set for offers granted at once: the request is created approved, with this grant. */
  autoGrant?: { endsAt: Date | null };
}

export type CreateRequestResult =
  { created: RequestRecord; grant: GrantRecord | null } | { conflict: 'pending'; requestId: string } | { conflict: 'granted'; grantId: string };

export type DecisionResult = { request: RequestRecord; grant: GrantRecord | null } | { notPending: RequestStatus };

export interface RequestFilter {
  /** Requests for the models of this organization (incoming). */
  modelOwnerOrgId?: string;
  /** Requests for the models of this user's personal namespace (incoming). */
  modelOwnerUserId?: string;
  /** Requests made for this organization (outgoing). */
  granteeOrgId?: string;
  granteeUserId?: string;
  modelId?: string;
  status?: RequestStatus;
}

@Injectable()
export class LicenseRequestRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Creates a request, and for auto offers its grant, in one transaction. A transaction-scoped
   * advisory lock on (model, grantee) serializes requests for the same pair, so the "nothing
   * pending, nothing granted" check cannot be passed twice; the partial unique index on pending
   * requests backs it up.
   */
  async create(r: NewRequest, audit: AuditContext): Promise<CreateRequestResult> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`license-request:${r.modelId}:${r.grantee.id}`}, 0))`;
      const who = granteeColumns(r.grantee);
      const pending = await tx.licenseRequest.findFirst({ where: { modelId: r.modelId, status: 'pending', ...who }, select: { id: true } });
      if (pending) return { conflict: 'pending' as const, requestId: pending.id };
      const [{ now }] = await tx.$queryRaw<{ now: Date }[]>`SELECT clock_timestamp() AS now`;
      const granted = await tx.licenseGrant.findFirst({ where: { modelId: r.modelId, ...who, ...activeGrantWhere(now) }, select: { id: true } });
      if (granted) return { conflict: 'granted' as const, grantId: granted.id };
      const request = await tx.licenseRequest.create({
        data: {
          offerId: r.offerId,
          modelId: r.modelId,
          requesterId: r.requesterId,
          ...who,
          termsVersion: r.termsVersion,
          answers: r.answers,
          message: r.message,
          status: r.autoGrant ? 'approved' : 'pending',
          decidedAt: r.autoGrant ? now : null,
        },
      });
      let grant: GrantRecord | null = null;
      const entries = [auditRow(audit, { action: 'request.created', requestId: request.id, details: { answers: r.answers, message: r.message } })];
      if (r.autoGrant) {
        const row = await tx.licenseGrant.create({
          data: {
            offerId: r.offerId,
            modelId: r.modelId,
            requestId: request.id,
            ...who,
            termsVersion: r.termsVersion,
            startsAt: now,
            endsAt: r.autoGrant.endsAt,
          },
          include: grantInclude,
        });
        grant = toGrantRecord(row);
        entries.push(
          auditRow(audit, { action: 'request.approved', requestId: request.id, grantId: grant.id, details: { automatic: true } }),
          auditRow(audit, { action: 'grant.created', requestId: request.id, grantId: grant.id, details: { endsAt: grant.endsAt } }),
        );
      }
      await tx.licenseAuditEvent.createMany({ data: entries });
      const created = toRecord(await tx.licenseRequest.findUniqueOrThrow({ where: { id: request.id }, include }));
      return { created, grant };
    });
  }

  findById(id: string): Promise<RequestRecord | null> {
    return this.prisma.licenseRequest.findUnique({ where: { id }, include }).then((r) => (r ? toRecord(r) : null));
  }

  async list(filter: RequestFilter, take = 200): Promise<RequestRecord[]> {
    const rows = await this.prisma.licenseRequest.findMany({
      where: {
        status: filter.status,
        modelId: filter.modelId,
        granteeOrgId: filter.granteeOrgId,
        granteeUserId: filter.granteeUserId,
        model: filter.modelOwnerOrgId
          ? { namespace: { organization: { is: { id: filter.modelOwnerOrgId } } } }
          : filter.modelOwnerUserId
            ? { namespace: { user: { is: { id: filter.modelOwnerUserId } } } }
            : undefined,
      },
      include,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
    });
    return rows.map(toRecord);
  }

  /**
   * The newest request for the model made for this user (`userId`, null when their credential does
   * not count for themselves) or for one of `orgIds` (OrgAccessService.memberships): the
   * access-status route.
   */
  async latestForUser(modelId: string, holders: { userId: string | null; orgIds: string[] }): Promise<RequestRecord | null> {
    const holder: Prisma.LicenseRequestWhereInput = {
      OR: [...(holders.userId ? [{ granteeUserId: holders.userId }] : []), { granteeOrgId: { in: holders.orgIds } }],
    };
    const row = await this.prisma.licenseRequest.findFirst({ where: { modelId, ...holder }, include, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
    return row ? toRecord(row) : null;
  }

  /**
   * Approves a pending request and creates its grant. The request row is locked (`FOR UPDATE`),
   * so of two approvals racing, the second finds it approved and makes nothing; the unique
   * `request_id` of grants would refuse a second grant anyway.
   */
  async approve(id: string, deciderId: string, decision: { endsAt: Date | null; note: string | null }, audit: AuditContext): Promise<DecisionResult> {
    return this.prisma.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<{ status: RequestStatus }[]>`SELECT status FROM license_requests WHERE id = ${id}::uuid FOR UPDATE`;
      if (row.status !== 'pending') return { notPending: row.status };
      const [{ now }] = await tx.$queryRaw<{ now: Date }[]>`SELECT clock_timestamp() AS now`;
      const request = await tx.licenseRequest.update({
        where: { id },
        data: { status: 'approved', decidedById: deciderId, decidedAt: now, decisionNote: decision.note },
      });
      const grant = await tx.licenseGrant.create({
        data: {
          offerId: request.offerId,
          modelId: request.modelId,
          requestId: id,
          granteeOrgId: request.granteeOrgId,
          granteeUserId: request.granteeUserId,
          termsVersion: request.termsVersion,
          startsAt: now,
          endsAt: decision.endsAt,
        },
        include: grantInclude,
      });
      await tx.licenseAuditEvent.createMany({
        data: [
          auditRow(audit, { action: 'request.approved', requestId: id, grantId: grant.id, details: { note: decision.note } }),
          auditRow(audit, { action: 'grant.created', requestId: id, grantId: grant.id, details: { endsAt: decision.endsAt } }),
        ],
      });
      return { request: toRecord(await tx.licenseRequest.findUniqueOrThrow({ where: { id }, include })), grant: toGrantRecord(grant) };
    });
  }

  /** Rejects or cancels a pending request (a conditional update: of two racing, one wins). */
  async close(id: string, status: 'rejected' | 'cancelled', byId: string, note: string | null, audit: AuditContext): Promise<DecisionResult> {
    const count = await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.licenseRequest.updateMany({
        where: { id, status: 'pending' },
        data: { status, decidedById: byId, decidedAt: new Date(), decisionNote: note },
      });
      if (count)
        await tx.licenseAuditEvent.create({
          data: auditRow(audit, { action: status === 'rejected' ? 'request.rejected' : 'request.cancelled', requestId: id, details: { reason: note } }),
        });
      return count;
    });
    const request = (await this.findById(id))!;
    return count ? { request, grant: null } : { notPending: request.status };
  }
}
