import { Injectable } from '@nestjs/common';
import type { OrgRole } from '@model-hub/contracts';
import { CacheInvalidation } from '../cache/cache-invalidation.service';
import { PrismaService } from '../database/prisma.service';
import { namespaceKey } from '../namespaces/namespace-rules';

export interface UserRecord {
  id: string;
  username: string;
  email: string;
  fullName: string | null;
  isAdmin: boolean;
  passwordHash: string;
  createdAt: Date;
}

const FIRST_USER_LOCK = 7_312_001;

@Injectable()
export class UserRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly invalidation: CacheInvalidation,
  ) {}

  /**
   * Creates the user and claims the name in the shared namespace, in one transaction. `makeAdmin`
   * decides from the number of users already there, read under a lock so that two first
   * registrations cannot both become administrator.
   */
  async create(data: { username: string; email: string; passwordHash: string }, makeAdmin: (existingUsers: number) => boolean): Promise<UserRecord> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${FIRST_USER_LOCK})`;
      const existing = await tx.user.count();
      return tx.user.create({
        data: {
          username: data.username,
          email: data.email,
          emailKey: data.email.toLowerCase(),
          passwordHash: data.passwordHash,
          isAdmin: makeAdmin(existing),
          namespace: { create: { name: data.username, nameKey: namespaceKey(data.username), kind: 'user' } },
        },
      });
    });
  }

  findByLogin(login: string): Promise<UserRecord | null> {
    const key = login.toLowerCase();
    return this.prisma.user.findFirst({ where: { OR: [{ namespace: { nameKey: key } }, { emailKey: key }] } });
  }

  findById(id: string): Promise<UserRecord | null> {
    return this.prisma.user.findUnique({ where: { id } });
  }

  findByUsername(username: string): Promise<UserRecord | null> {
    return this.prisma.user.findFirst({ where: { namespace: { nameKey: namespaceKey(username) } } });
  }

  /** Makes the named user (if registered) a platform administrator. */
  async grantAdmin(username: string): Promise<void> {
    const user = await this.findByUsername(username);
    if (!user || user.isAdmin) return;
    await this.prisma.user.update({ where: { id: user.id }, data: { isAdmin: true } });
    await this.invalidation.publish(this.prisma, 'user', { userId: user.id });
  }

  async emailTaken(email: string): Promise<boolean> {
    return (await this.prisma.user.count({ where: { emailKey: email.toLowerCase() } })) > 0;
  }

  async organizationsOf(userId: string): Promise<{ name: string; role: OrgRole; displayName: string; organizationId: string }[]> {
    const rows = await this.prisma.membership.findMany({
      where: { userId },
      include: { organization: { select: { name: true, displayName: true } } },
      orderBy: { organization: { name: 'asc' } },
    });
    return rows.map((m) => ({ name: m.organization.name, displayName: m.organization.displayName, role: m.role, organizationId: m.organizationId }));
  }
}
