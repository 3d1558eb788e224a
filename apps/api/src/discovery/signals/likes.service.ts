import { Injectable } from '@nestjs/common';
import type { Principal } from '../../common/auth/principal';
import { HubException } from '../../common/hub-exception';
import { ModelAccessService } from '../../models/model-access.service';
import { UserRepository } from '../../users/user.repository';
import { SearchEngine } from '../search/search-engine.service';
import { presentSearchItem, SearchItem } from '../search/search-item.presenter';
import { LikeRepository } from './like.repository';
import { TrendingRepository } from './trending.repository';
import type { RepoKind } from '../../models/repo-kind';

export interface LikedModel {
  likedAt: string;
  model: SearchItem;
}

const DEFAULT_LIMIT = 50;

/** Likes: like, unlike, and a user's likes (only those the caller may see). */
@Injectable()
export class LikesService {
  constructor(
    private readonly likes: LikeRepository,
    private readonly access: ModelAccessService,
    private readonly users: UserRepository,
    private readonly trending: TrendingRepository,
    private readonly engine: SearchEngine,
  ) {}

  /** Likes a model the caller can see (404 otherwise); liking twice changes nothing. */
  async like(principal: Principal, namespace: string, name: string, kind: RepoKind): Promise<{ liked: true; likes: number }> {
    const model = await this.access.findReadable(principal, namespace, name, kind);
    const likes = await this.likes.like(principal.userId, model.id);
    await this.trending.recompute([model.id]);
    return { liked: true, likes };
  }

  async unlike(principal: Principal, namespace: string, name: string, kind: RepoKind): Promise<void> {
    const model = await this.access.findReadable(principal, namespace, name, kind);
    await this.likes.unlike(principal.userId, model.id);
    await this.trending.recompute([model.id]);
  }

  async likedBy(
    principal: Principal | undefined,
    username: string,
    query: { cursor?: string; limit?: number },
  ): Promise<{ items: LikedModel[]; nextCursor: string | null }> {
    const user = await this.users.findByUsername(username);
    if (!user) throw HubException.notFound(`User '${username}' not found`, 'user_not_found');
    const visible = await this.access.visibleNamespaceIds(principal);
    const limit = query.limit ?? DEFAULT_LIMIT;
    const rows = await this.likes.likedBy(user.id, visible && [...visible], query.cursor ? decodeLikeCursor(query.cursor) : null, limit + 1);
    const page = rows.slice(0, limit);
    const entries = await this.engine.entries(page.map((r) => r.modelId));
    const items = page.flatMap((r) => {
      const entry = entries.get(r.modelId);
      return entry ? [{ likedAt: r.createdAt.toISOString(), model: presentSearchItem(entry) }] : [];
    });
    const last = page[page.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeLikeCursor(last.createdAt, last.modelId) : null };
  }
}

const encodeLikeCursor = (at: Date, modelId: string) => Buffer.from(JSON.stringify({ at: at.toISOString(), id: modelId })).toString('base64url');

function decodeLikeCursor(cursor: string): { at: Date; modelId: string } {
  try {
    const { at, id } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { at: string; id: string };
    const date = new Date(at);
    if (typeof id === 'string' && /^[0-9a-f-]{36}$/.test(id) && !Number.isNaN(date.getTime())) return { at: date, modelId: id };
  } catch {
    // fall through
  }
  throw HubException.badRequest('invalid_cursor', 'cursor is not a value returned as nextCursor by this listing');
}
