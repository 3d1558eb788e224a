import { Injectable } from '@nestjs/common';
import { HubException } from '../common/hub-exception';
import type { ModelRecord } from '../models/model.repository';
import { CommitRepository } from './commit.repository';
import { RevisionService } from './revision.service';

/** One commit of a history, in the shape Hugging Face's commit listing uses. */
export interface HistoryEntry {
  id: string;
  title: string;
  message: string;
  /** `user` is the author's username; the list is empty when the author's account was deleted. */
  authors: { user: string }[];
  date: Date;
  parents: string[];
}

export interface HistoryPage {
  commits: HistoryEntry[];
  /** Null on the last page. */
  nextCursor: string | null;
}

export const DEFAULT_HISTORY_LIMIT = 50;
export const MAX_HISTORY_LIMIT = 1000;

const COMMIT_ID = /^[0-9a-f]{40}$/;

/**
 * Commit history of a revision, newest first: the chain of parents from the revision's commit
 * (one recursive query a page), so a branch shows exactly its own ancestry even when other
 * branches committed in between. The cursor is the id of the next commit of the chain.
 */
@Injectable()
export class HistoryService {
  constructor(
    private readonly commits: CommitRepository,
    private readonly revisions: RevisionService,
  ) {}

  async list(model: ModelRecord, revision: string | undefined, options: { limit?: number; cursor?: string } = {}): Promise<HistoryPage> {
    const { commitId } = await this.revisions.resolve(model, revision);
    const limit = Math.min(Math.max(options.limit ?? DEFAULT_HISTORY_LIMIT, 1), MAX_HISTORY_LIMIT);
    let start = commitId;
    if (options.cursor !== undefined) {
      if (!COMMIT_ID.test(options.cursor)) throw invalidCursor();
      start = options.cursor;
    }
    const rows = await this.commits.ancestry(model.id, start, limit + 1);
    if (options.cursor !== undefined && !rows.length) throw invalidCursor();
    const page = rows.slice(0, limit);
    return {
      commits: page.map((c) => ({
        id: c.id,
        title: c.title,
        message: c.message,
        authors: c.authorName ? [{ user: c.authorName }] : [],
        date: c.createdAt,
        parents: c.parentId ? [c.parentId] : [],
      })),
      nextCursor: rows.length > limit ? rows[limit].id : null,
    };
  }

  /** How many commits the revision's history has (Hugging Face's X-Total-Count). */
  async count(model: ModelRecord, revision: string | undefined): Promise<number> {
    const { commitId } = await this.revisions.resolve(model, revision);
    return this.commits.ancestryLength(model.id, commitId);
  }
}

const invalidCursor = () =>
  HubException.badRequest('invalid_cursor', 'cursor is not a commit of this model: pass the nextCursor of the previous page unchanged');
