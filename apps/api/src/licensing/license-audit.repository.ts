import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../database/prisma.service';

export const AUDIT_ACTIONS = [
  'offer.created',
  'offer.updated',
  'offer.withdrawn',
  'request.created',
  'request.approved',
  'request.rejected',
  'request.cancelled',
  'grant.created',
  'grant.revoked',
  'file.downloaded',
  // Hosted calls: one entry per grant and hour, details {calls, errors} (written by inference's metering).
  'model.called',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One entry of the licence audit log. Names are copied in: the log outlives what it names. */
export interface AuditInput {
  action: AuditAction;
  actorUserId?: string | null;
  actorName?: string | null;
  modelId?: string | null;
  modelName?: string | null;
  publisherOrgId?: string | null;
  licenseeOrgId?: string | null;
  licenseeUserId?: string | null;
  licenseeName?: string | null;
  offerId?: string | null;
  termsVersion?: number | null;
  requestId?: string | null;
  grantId?: string | null;
  via?: 'member' | 'grant' | null;
  path?: string | null;
  revision?: string | null;
  commitId?: string | null;
  details?: Record<string, unknown>;
}

/** Who acted, on what, for whom: shared by the entries one decision writes. */
export type AuditContext = Pick<
  AuditInput,
  'actorUserId' | 'actorName' | 'modelId' | 'modelName' | 'publisherOrgId' | 'licenseeOrgId' | 'licenseeUserId' | 'licenseeName' | 'offerId' | 'termsVersion'
>;

/** The row of one entry, for repositories that write it inside their own transaction. */
export const auditRow = (ctx: AuditContext, e: Pick<AuditInput, 'action' | 'requestId' | 'grantId' | 'details'>): Prisma.LicenseAuditEventCreateManyInput => ({
  ...ctx,
  ...e,
  details: (e.details ?? {}) as Prisma.InputJsonObject,
});

export interface AuditRecord extends Required<Omit<AuditInput, 'details'>> {
  id: string;
  at: Date;
  details: Record<string, unknown>;
}

type AuditRow = Prisma.LicenseAuditEventGetPayload<object>;

const toRecord = (e: AuditRow): AuditRecord => ({
  id: e.id.toString(),
  at: e.at,
  action: e.action as AuditAction,
  actorUserId: e.actorUserId,
  actorName: e.actorName,
  modelId: e.modelId,
  modelName: e.modelName,
  publisherOrgId: e.publisherOrgId,
  licenseeOrgId: e.licenseeOrgId,
  licenseeUserId: e.licenseeUserId,
  licenseeName: e.licenseeName,
  offerId: e.offerId,
  termsVersion: e.termsVersion,
  requestId: e.requestId,
  grantId: e.grantId,
  via: e.via as AuditRecord['via'],
  path: e.path,
  revision: e.revision,
  commitId: e.commitId,
  details: e.details as Record<string, unknown>,
});

export interface AuditQuery {
  from?: Date;
  to?: Date;
  action?: AuditAction;
  /** Entries with a smaller id (keyset pagination, newest first). */
  beforeId?: string;
  take: number;
}

@Injectable()
export class LicenseAuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  async record(e: AuditInput): Promise<void> {
    await this.recordMany([e]);
  }

  /** Several entries in one statement (a git-lfs batch downloads many files at once). */
  async recordMany(entries: AuditInput[]): Promise<void> {
    if (!entries.length) return;
    await this.prisma.licenseAuditEvent.createMany({
      data: entries.map(({ action, requestId, grantId, details, ...rest }) => auditRow(rest, { action, requestId, grantId, details })),
    });
  }

  /** Entries where the organization is the publisher or the licensee, newest first. */
  async listForOrg(orgId: string, q: AuditQuery): Promise<AuditRecord[]> {
    const rows = await this.prisma.licenseAuditEvent.findMany({
      where: {
        OR: [{ publisherOrgId: orgId }, { licenseeOrgId: orgId }],
        action: q.action,
        at: { gte: q.from, lt: q.to },
        id: q.beforeId ? { lt: BigInt(q.beforeId) } : undefined,
      },
      orderBy: { id: 'desc' },
      take: q.take,
    });
    return rows.map(toRecord);
  }

  /** Downloads of the model under grants within [from, to), oldest first (the usage report). */
  async grantDownloads(modelId: string, from: Date, to: Date, licenseeName?: string): Promise<AuditRecord[]> {
    const rows = await this.prisma.licenseAuditEvent.findMany({
      where: {
        modelId,
        action: 'file.downloaded',
        via: 'grant',
        at: { gte: from, lt: to },
        licenseeName: licenseeName ? { equals: licenseeName, mode: 'insensitive' } : undefined,
      },
      orderBy: { id: 'asc' },
      take: 100_000,
    });
    return rows.map(toRecord);
  }
}
