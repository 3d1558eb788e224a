import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../database/prisma.service';

export type DiscussionStatus = 'draft' | 'open' | 'closed' | 'merged';
export type DiscussionEventType = 'comment' | 'status_change' | 'commit' | 'title_change' | 'review';

/** A discussion or pull request as the services see it (never a Prisma type). */
export interface DiscussionRecord {
  id: string;
  modelId: string;
  number: number;
  isPullRequest: boolean;
  title: string;
  status: DiscussionStatus;
  authorId: string | null;
  authorName: string | null;
  targetBranch: string | null;
  baseCommitId: string | null;
  mergeCommitId: string | null;
  mergedById: string | null;
  mergedAt: Date | null;
  createdAt: Date;
}

export interface DiscussionEventRecord {
  id: string;
  type: DiscussionEventType;
  authorId: string | null;
  authorName: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
}

const withAuthor = { author: { select: { username: true } } } satisfies Prisma.DiscussionInclude;
type DiscussionRow = Prisma.DiscussionGetPayload<{ include: typeof withAuthor }>;
type EventRow = Prisma.DiscussionEventGetPayload<{ include: typeof withAuthor }>;

const toDiscussion = (d: DiscussionRow): DiscussionRecord => ({
  id: d.id,
  modelId: d.modelId,
  number: d.number,
  isPullRequest: d.isPullRequest,
  title: d.title,
  status: d.status,
  authorId: d.authorId,
  authorName: d.author?.username ?? null,
  targetBranch: d.targetBranch,
  baseCommitId: d.baseCommitId,
  mergeCommitId: d.mergeCommitId,
  mergedById: d.mergedById,
  mergedAt: d.mergedAt,
  createdAt: d.createdAt,
});

const toEvent = (e: EventRow): DiscussionEventRecord => ({
  id: e.id,
  type: e.type,
  authorId: e.authorId,
  authorName: e.author?.username ?? null,
  data: e.data as Record<string, unknown>,
  createdAt: e.createdAt,
});

/** Event ids: 24 lower-case hex characters, as Hugging Face's (huggingface_hub lower-cases the ids it sends back). */
const eventId = () => randomBytes(12).toString('hex');

@Injectable()
export class ProposalRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The model's next discussion number: one counter row per model, so numbers are never handed out twice. */
  async nextNumber(modelId: string): Promise<number> {
    const rows = await this.prisma.$queryRaw<{ last: number }[]>`
      INSERT INTO discussion_counters (model_id, last) VALUES (${modelId}::uuid, 1)
      ON CONFLICT (model_id) DO UPDATE SET last = discussion_counters.last + 1
      RETURNING last`;
    return rows[0].last;
  }

  async create(d: {
    modelId: string;
    number: number;
    isPullRequest: boolean;
    title: string;
    status: DiscussionStatus;
    authorId: string;
    targetBranch?: string;
    baseCommitId?: string;
  }): Promise<DiscussionRecord> {
    return toDiscussion(await this.prisma.discussion.create({ data: d, include: withAuthor }));
  }

  /** Removes a discussion whose opening failed (its number stays used). */
  async delete(id: string): Promise<void> {
    await this.prisma.discussion.deleteMany({ where: { id } });
  }

  async find(modelId: string, number: number): Promise<DiscussionRecord | null> {
    const d = await this.prisma.discussion.findUnique({ where: { modelId_number: { modelId, number } }, include: withAuthor });
    return d ? toDiscussion(d) : null;
  }

  async list(
    modelId: string,
    q: { isPullRequest?: boolean; statuses?: DiscussionStatus[]; authorName?: string; skip: number; take: number },
  ): Promise<{ items: DiscussionRecord[]; count: number }> {
    const where: Prisma.DiscussionWhereInput = {
      modelId,
      ...(q.isPullRequest !== undefined ? { isPullRequest: q.isPullRequest } : {}),
      ...(q.statuses ? { status: { in: q.statuses } } : {}),
      ...(q.authorName ? { author: { username: { equals: q.authorName, mode: 'insensitive' } } } : {}),
    };
    const [rows, count] = await Promise.all([
      this.prisma.discussion.findMany({ where, include: withAuthor, orderBy: { number: 'desc' }, skip: q.skip, take: q.take }),
      this.prisma.discussion.count({ where }),
    ]);
    return { items: rows.map(toDiscussion), count };
  }

  async update(id: string, data: Partial<Pick<DiscussionRecord, 'title' | 'status' | 'mergeCommitId' | 'mergedById' | 'mergedAt'>>): Promise<DiscussionRecord> {
    return toDiscussion(await this.prisma.discussion.update({ where: { id }, data, include: withAuthor }));
  }

  /** Moves the status only from one of `from` (a concurrent merge or close wins once); null when it was elsewhere. */
  async changeStatus(id: string, from: DiscussionStatus[], data: Partial<Pick<DiscussionRecord, 'status' | 'mergeCommitId' | 'mergedById' | 'mergedAt'>>) {
    const { count } = await this.prisma.discussion.updateMany({ where: { id, status: { in: from } }, data });
    return count === 1;
  }

  async addEvent(discussionId: string, type: DiscussionEventType, authorId: string | null, data: Record<string, unknown>): Promise<DiscussionEventRecord> {
    const e = await this.prisma.discussionEvent.create({
      data: { id: eventId(), discussionId, type, authorId, data: data as Prisma.InputJsonObject },
      include: withAuthor,
    });
    await this.prisma.discussion.update({ where: { id: discussionId }, data: { updatedAt: new Date() } });
    return toEvent(e);
  }

  async events(discussionId: string): Promise<DiscussionEventRecord[]> {
    const rows = await this.prisma.discussionEvent.findMany({ where: { discussionId }, include: withAuthor, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    return rows.map(toEvent);
  }

  async findEvent(discussionId: string, id: string): Promise<DiscussionEventRecord | null> {
    const e = await this.prisma.discussionEvent.findFirst({ where: { discussionId, id }, include: withAuthor });
    return e ? toEvent(e) : null;
  }

  async updateEvent(id: string, data: Record<string, unknown>): Promise<DiscussionEventRecord> {
    return toEvent(await this.prisma.discussionEvent.update({ where: { id }, data: { data: data as Prisma.InputJsonObject }, include: withAuthor }));
  }

  /** Member user ids of the model's namespace (for notifications): the user, or the organization's members. */
  async namespaceMemberIds(model: { ownerUserId: string | null; ownerOrgId: string | null }): Promise<string[]> {
    if (model.ownerUserId) return [model.ownerUserId];
    if (!model.ownerOrgId) return [];
    const rows = await this.prisma.membership.findMany({ where: { organizationId: model.ownerOrgId }, select: { userId: true } });
    return rows.map((r) => r.userId);
  }
}
