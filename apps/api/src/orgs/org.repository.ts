import { Injectable } from '@nestjs/common';
import type { OrganizationKind, OrgRole } from '@model-hub/contracts';
import { CacheInvalidation } from '../cache/cache-invalidation.service';
import { PrismaService } from '../database/prisma.service';
import { namespaceKey } from '../namespaces/namespace-rules';
import type { OrgMembership } from './memberships';

export interface OrgRecord {
  id: string;
  name: string;
  displayName: string;
  kind: OrganizationKind;
  description: string | null;
  website: string | null;
  verified: boolean;
  createdAt: Date;
}

export interface MemberRecord {
  userId: string;
  username: string;
  role: OrgRole;
}

/** What happened to a membership change guarded by the "at least one owner" rule. */
export type MembershipChange = 'done' | 'not_member' | 'last_owner';

@Injectable()
export class OrgRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly invalidation: CacheInvalidation,
  ) {}

  /** Creates the organization, claims its name in the shared namespace, and makes `ownerId` its owner. */
  async create(data: Omit<OrgRecord, 'id' | 'verified' | 'createdAt'>, ownerId: string): Promise<OrgRecord> {
    const org = await this.prisma.organization.create({
      data: {
        ...data,
        namespace: { create: { name: data.name, nameKey: namespaceKey(data.name), kind: 'org' } },
        memberships: { create: { userId: ownerId, role: 'owner' } },
      },
    });
    await this.invalidation.publish(this.prisma, 'membership', { userId: ownerId });
    return org;
  }

  findByName(name: string): Promise<OrgRecord | null> {
    return this.prisma.organization.findFirst({ where: { namespace: { nameKey: namespaceKey(name) } } });
  }

  list(options: { skip: number; take: number; verified?: boolean; kind?: OrganizationKind }): Promise<OrgRecord[]> {
    return this.prisma.organization.findMany({
      where: { verified: options.verified, kind: options.kind },
      orderBy: { name: 'asc' },
      skip: options.skip,
      take: options.take,
    });
  }

  update(id: string, data: Partial<Pick<OrgRecord, 'displayName' | 'kind' | 'description' | 'website' | 'verified'>>): Promise<OrgRecord> {
    return this.prisma.organization.update({
      where: { id },
      data: { ...data, ...(data.verified !== undefined ? { verifiedAt: data.verified ? new Date() : null } : {}) },
    });
  }

  async members(organizationId: string): Promise<MemberRecord[]> {
    const rows = await this.prisma.membership.findMany({
      where: { organizationId },
      include: { user: { select: { username: true } } },
      orderBy: [{ role: 'asc' }, { createdAt: 'asc' }],
    });
    return rows.map((m) => ({ userId: m.userId, username: m.user.username, role: m.role }));
  }

  /** The user's own namespace and every organization they belong to, in one query. */
  async membershipsOf(userId: string): Promise<{ userNamespaceId: string | null; orgs: OrgMembership[] }> {
    const rows = await this.prisma.$queryRaw<{ organization_id: string | null; namespace_id: string; role: OrgRole | null }[]>`
      SELECT NULL::uuid AS organization_id, u.namespace_id, NULL AS role FROM users u WHERE u.id = ${userId}::uuid
      UNION ALL
      SELECT o.id, o.namespace_id, m.role::text FROM memberships m JOIN organizations o ON o.id = m.organization_id WHERE m.user_id = ${userId}::uuid`;
    return {
      userNamespaceId: rows.find((r) => !r.organization_id)?.namespace_id ?? null,
      orgs: rows.flatMap((r) => (r.organization_id ? [{ organizationId: r.organization_id, namespaceId: r.namespace_id, role: r.role! }] : [])),
    };
  }

  async roleOf(organizationId: string, userId: string): Promise<OrgRole | null> {
    const m = await this.prisma.membership.findUnique({ where: { organizationId_userId: { organizationId, userId } } });
    return m?.role ?? null;
  }

  async addMember(organizationId: string, userId: string, role: OrgRole): Promise<void> {
    await this.prisma.membership.create({ data: { organizationId, userId, role } });
    await this.invalidation.publish(this.prisma, 'membership', { userId });
  }

  /**
   * Sets a member's role, or removes them when `role` is null, unless that would leave the
   * organization without an owner. The organization row is locked for the check, so two
   * concurrent demotions cannot both pass it.
   */
  async changeMembership(organizationId: string, userId: string, role: OrgRole | null): Promise<MembershipChange> {
    const change = await this.prisma.$transaction(async (tx): Promise<MembershipChange> => {
      await tx.$queryRaw`SELECT id FROM organizations WHERE id = ${organizationId}::uuid FOR UPDATE`;
      const current = await tx.membership.findUnique({ where: { organizationId_userId: { organizationId, userId } } });
      if (!current) return 'not_member';
      if (current.role === 'owner' && role !== 'owner') {
        const owners = await tx.membership.count({ where: { organizationId, role: 'owner' } });
        if (owners <= 1) return 'last_owner';
      }
      if (role === null) await tx.membership.delete({ where: { organizationId_userId: { organizationId, userId } } });
      else await tx.membership.update({ where: { organizationId_userId: { organizationId, userId } }, data: { role } });
      await this.invalidation.publish(tx, 'membership', { userId });
      return 'done';
    });
    if (change === 'done') this.invalidation.dropLocal('membership', { userId });
    return change;
  }
}
