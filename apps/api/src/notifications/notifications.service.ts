import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { HubException } from '../common/hub-exception';
import { NotificationInput, NotificationRecord, NotificationRepository } from './notification.repository';

export interface NotificationInfo {
  id: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  read: boolean;
  readAt: string | null;
  createdAt: string;
}

const present = (n: NotificationRecord): NotificationInfo => ({
  id: n.id,
  kind: n.kind,
  title: n.title,
  body: n.body,
  data: n.data,
  read: n.readAt !== null,
  readAt: n.readAt?.toISOString() ?? null,
  createdAt: n.createdAt.toISOString(),
});

/** In-app notifications: written by other modules (`notify`), read by their users at /api/v1/me/notifications. */
@Injectable()
export class NotificationsService {
  constructor(private readonly notifications: NotificationRepository) {}

  /** Notifies each user once (duplicates in `userIds` are dropped). */
  async notify(userIds: (string | null | undefined)[], n: NotificationInput): Promise<void> {
    await this.notifications.createForUsers([...new Set(userIds.filter((id): id is string => !!id))], n);
  }

  async list(
    principal: Principal,
    q: { unread?: boolean; limit: number; cursor?: string },
  ): Promise<{ items: NotificationInfo[]; unread: number; nextCursor: string | null }> {
    const before = q.cursor ? await this.notifications.find(principal.userId, q.cursor) : undefined;
    if (q.cursor && !before)
      throw HubException.badRequest('invalid_cursor', "cursor must be the id of one of your notifications (the previous page's nextCursor)");
    const items = await this.notifications.list(principal.userId, { unreadOnly: q.unread ?? false, take: q.limit + 1, before: before ?? undefined });
    const page = items.slice(0, q.limit);
    return {
      items: page.map(present),
      unread: await this.notifications.countUnread(principal.userId),
      nextCursor: items.length > q.limit ? page[page.length - 1].id : null,
    };
  }

  async markRead(principal: Principal, id: string): Promise<{ updated: number }> {
    if (!(await this.notifications.find(principal.userId, id))) throw HubException.notFound(`Notification ${id} not found`, 'notification_not_found');
    return { updated: await this.notifications.markRead(principal.userId, id) };
  }

  async markAllRead(principal: Principal): Promise<{ updated: number }> {
    return { updated: await this.notifications.markRead(principal.userId) };
  }
}
