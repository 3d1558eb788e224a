import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../database/prisma.service';

export interface LikeRow {
  modelId: string;
  createdAt: Date;
}

@Injectable()
export class LikeRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Adds the like (once) and the model's count, together; returns the model's likes. */
  async like(userId: string, modelId: string): Promise<number> {
    const rows = await this.prisma.$queryRaw<{ likes: number }[]>`
      WITH added AS (
        INSERT INTO model_likes (user_id, model_id) VALUES (${userId}::uuid, ${modelId}::uuid)
        ON CONFLICT DO NOTHING RETURNING model_id
      ),
      counted AS (UPDATE models SET likes = likes + 1 WHERE id = (SELECT model_id FROM added) RETURNING likes)
      SELECT coalesce((SELECT likes FROM counted), (SELECT likes FROM models WHERE id = ${modelId}::uuid)) AS likes`;
    return rows[0]?.likes ?? 0;
  }

  async unlike(userId: string, modelId: string): Promise<void> {
    await this.prisma.$executeRaw`
      WITH removed AS (DELETE FROM model_likes WHERE user_id = ${userId}::uuid AND model_id = ${modelId}::uuid RETURNING model_id)
      UPDATE models SET likes = likes - 1 WHERE id = (SELECT model_id FROM removed)`;
  }

  async likes(userId: string, modelId: string): Promise<boolean> {
    return (await this.prisma.modelLike.count({ where: { userId, modelId } })) > 0;
  }

  /**
   * The user's likes, newest first, of models in `visible` (public, or in one of the namespaces),
   * strictly after the keyset position.
   */
  async likedBy(userId: string, visibleNamespaceIds: string[] | null, after: { at: Date; modelId: string } | null, take: number): Promise<LikeRow[]> {
    const rows = await this.prisma.modelLike.findMany({
      where: {
        userId,
        model: visibleNamespaceIds === null ? { private: false } : { OR: [{ private: false }, { namespaceId: { in: visibleNamespaceIds } }] },
        ...(after ? { OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, modelId: { lt: after.modelId } }] } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { modelId: 'desc' }],
      take,
      select: { modelId: true, createdAt: true },
    });
    return rows;
  }
}
