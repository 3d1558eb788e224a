import { Injectable } from '@nestjs/common';
import { CacheInvalidation } from '../cache/cache-invalidation.service';
import { PrismaService } from '../database/prisma.service';

export interface VersionRecord {
  name: string;
  commitId: string;
  notes: string;
  status: 'active' | 'deprecated';
  deprecationMessage: string | null;
  createdById: string | null;
  createdByName: string | null;
  createdAt: Date;
  deprecatedAt: Date | null;
}

const select = {
  name: true,
  commitId: true,
  notes: true,
  status: true,
  deprecationMessage: true,
  createdById: true,
  createdAt: true,
  deprecatedAt: true,
} as const;

/** Versions (immutable tags). The table has no update of `commit_id` anywhere: versions never move. */
@Injectable()
export class VersionRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly invalidation: CacheInvalidation,
  ) {}

  async find(modelId: string, name: string): Promise<VersionRecord | null> {
    const v = await this.prisma.version.findUnique({ where: { modelId_name: { modelId, name } }, select });
    return v ? (await this.withCreators([v]))[0] : null;
  }

  /** Newest first. */
  async list(modelId: string): Promise<VersionRecord[]> {
    const rows = await this.prisma.version.findMany({ where: { modelId }, select, orderBy: [{ createdAt: 'desc' }, { name: 'asc' }] });
    return this.withCreators(rows);
  }

  async headOf(modelId: string, name: string): Promise<string | null> {
    const v = await this.prisma.version.findUnique({ where: { modelId_name: { modelId, name } }, select: { commitId: true } });
    return v?.commitId ?? null;
  }

  /** Creates the version; false when the name is taken (never overwrites). */
  async create(data: { modelId: string; name: string; commitId: string; notes: string; createdById: string | null }): Promise<boolean> {
    const n = await this.prisma.$executeRaw`
      INSERT INTO versions (model_id, name, commit_id, notes, status, created_by_id, created_at)
      VALUES (${data.modelId}::uuid, ${data.name}, ${data.commitId}, ${data.notes}, 'active', ${data.createdById}::uuid, now())
      ON CONFLICT DO NOTHING`;
    if (n === 1) await this.invalidation.publish(this.prisma, 'refs', { modelId: data.modelId });
    return n === 1;
  }

  /** Marks the version deprecated (keeps the first deprecation time); false when it does not exist. */
  async deprecate(modelId: string, name: string, message: string): Promise<boolean> {
    const n = await this.prisma.$executeRaw`
      UPDATE versions SET status = 'deprecated', deprecation_message = ${message}, deprecated_at = coalesce(deprecated_at, now())
      WHERE model_id = ${modelId}::uuid AND name = ${name}`;
    return n === 1;
  }

  private async withCreators(rows: Omit<VersionRecord, 'createdByName'>[]): Promise<VersionRecord[]> {
    const ids = [...new Set(rows.map((r) => r.createdById).filter((id): id is string => id !== null))];
    const users = ids.length ? await this.prisma.user.findMany({ where: { id: { in: ids } }, select: { id: true, username: true } }) : [];
    const names = new Map(users.map((u) => [u.id, u.username]));
    return rows.map((r) => ({ ...r, createdByName: r.createdById ? (names.get(r.createdById) ?? null) : null }));
  }
}
