import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../database/prisma.service';

export interface NotificationInput {
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
}

export interface NotificationRecord extends NotificationInput {
  id: string;
  readAt: Date | null;
  createdAt: Date;
}

@Injectable()
export class NotificationRepository {
  constructor(private readonly prisma: PrismaService) {}

  async createForUsers(userIds: string[], n: NotificationInput): Promise<void> {
    if (!userIds.length) return;
    await this.prisma.notification.createMany({
      data: userIds.map((userId) => ({ userId, kind: n.kind, title: n.title, body: n.body, data: n.data as Prisma.InputJsonObject })),
    });
  }

  /** Newest first; `before` is the previous page's last id (ids are uuids, so the page key is the creation time). */
  async list(userId: string, options: { unreadOnly: boolean; take: number; before?: { createdAt: Date; id: string } }): Promise<NotificationRecord[]> {
    const rows = await this.prisma.notification.findMany({
      where: {
        userId,
        readAt: options.unreadOnly ? null : undefined,
        ...(options.before
          ? { OR: [{ createdAt: { lt: options.before.createdAt } }, { createdAt: options.before.createdAt, id: { lt: options.before.id } }] }
          : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: options.take,
    });
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      title: r.title,
      body: r.body,
      data: r.data as Record<string, unknown>,
      readAt: r.readAt,
      createdAt: r.createdAt,
    }));
  }

  find(userId: string, id: string): Promise<{ id: string; createdAt: Date } | null> {
    return this.prisma.notification.findFirst({ where: { id, userId }, select: { id: true, createdAt: true } });
  }

  countUnread(userId: string): Promise<number> {
    return this.prisma.notification.count({ where: { userId, readAt: null } });
  }

  /** Marks one (or, without `id`, every) unread notification of the user read; returns how many. */
  async markRead(userId: string, id?: string): Promise<number> {
    return (await this.prisma.notification.updateMany({ where: { userId, id, readAt: null }, data: { readAt: new Date() } })).count;
  }
}
