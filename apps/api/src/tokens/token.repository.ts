import { Injectable } from '@nestjs/common';
import type { TokenScope } from '@model-hub/contracts';
import { CacheInvalidation } from '../cache/cache-invalidation.service';
import { PrismaService } from '../database/prisma.service';

export interface TokenRecord {
  id: string;
  userId: string;
  name: string;
  scopes: TokenScope[];
  organizationId: string | null;
  organizationName: string | null;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
}

const withOrg = { organization: { select: { name: true } } } as const;
type Row = Omit<TokenRecord, 'organizationName'> & { organization: { name: string } | null };
const toRecord = ({ organization, ...t }: Row & { secretHash?: string }): TokenRecord => {
  const { secretHash: _hidden, ...rest } = t;
  return { ...rest, organizationName: organization?.name ?? null };
};

@Injectable()
export class TokenRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly invalidation: CacheInvalidation,
  ) {}

  async create(data: { userId: string; name: string; secretHash: string; scopes: TokenScope[]; organizationId?: string; expiresAt?: Date }) {
    return toRecord(await this.prisma.apiToken.create({ data, include: withOrg }));
  }

  async listForUser(userId: string): Promise<TokenRecord[]> {
    const rows = await this.prisma.apiToken.findMany({ where: { userId }, include: withOrg, orderBy: { createdAt: 'asc' } });
    return rows.map(toRecord);
  }

  async findBySecretHash(secretHash: string): Promise<TokenRecord | null> {
    const row = await this.prisma.apiToken.findUnique({ where: { secretHash }, include: withOrg });
    return row ? toRecord(row) : null;
  }

  /** Deletes the user's token; false when the user has no such token. */
  async delete(userId: string, id: string): Promise<boolean> {
    const { count } = await this.prisma.apiToken.deleteMany({ where: { id, userId } });
    if (count > 0) await this.invalidation.publish(this.prisma, 'token', { tokenId: id });
    return count > 0;
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.prisma.apiToken.updateMany({ where: { id }, data: { lastUsedAt: at } });
  }
}
