import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { HubException } from '../common/hub-exception';
import { BlobService } from '../blobs/blob.service';
import { ModelAccessService } from '../models/model-access.service';
import type { ModelRecord } from '../models/model.repository';
import { ProposalAccessService } from '../models/proposal-access.service';
import type { CommitOperation } from '../repo-history/commit-operation';
import { BranchesService } from '../repo-history/branches.service';
import { CommitInput, CommitService } from '../repo-history/commit.service';
import { DEFAULT_BRANCH, RevisionService } from '../repo-history/revision.service';
import { ProposalNotifier } from './proposal-notifier.service';
import { DiscussionEventRecord, DiscussionRecord, DiscussionStatus, ProposalRepository } from './proposal.repository';

export const MAX_TITLE_LENGTH = 200;
export const MAX_TEXT_LENGTH = 65_536;
const PAGE_SIZE = 50;

export type CommitChanges = Omit<CommitInput, 'branch'>;

export interface OpenedProposal {
  discussion: DiscussionRecord;
  commitId: string;
}

export const prRef = (number: number) => `refs/pr/${number}`;

export const discussionNotFound = (model: ModelRecord, number: number) =>
  HubException.notFound(`Discussion #${number} does not exist on ${model.fullName}`, 'discussion_not_found');

/**
 * Proposals: Hugging Face's discussions and pull requests on a model (docs/proposals.md). A pull
 * request N is a discussion whose commits live on `refs/pr/N`, a ref stored beside the branches
 * and starting at the target branch's head. Who may do what is ProposalAccessService's; the
 * conversation (comments, status, reviews) is ProposalConversationService's, the merge
 * ProposalMergeService's.
 */
@Injectable()
export class ProposalsService {
  constructor(
    private readonly proposals: ProposalRepository,
    private readonly access: ModelAccessService,
    private readonly proposalAccess: ProposalAccessService,
    private readonly commits: CommitService,
    private readonly refs: BranchesService,
    private readonly revisions: RevisionService,
    private readonly blobs: BlobService,
    private readonly notifier: ProposalNotifier,
  ) {}

  /**
   * Opens pull request N with a first commit (create_pr=1): its ref starts at the target branch's
   * head, or at `parentCommit`. Only a branch can be a target (404 `RevisionNotFound`). When the
   * commit is refused, the pull request goes with it (its number stays used).
   */
  async openWithCommit(principal: Principal, model: ModelRecord, target: string, changes: CommitChanges): Promise<OpenedProposal> {
    await this.proposalAccess.assertMayPropose(principal, model);
    const base = changes.parentCommit ? (await this.revisions.resolve(model, changes.parentCommit)).commitId : undefined;
    const discussion = await this.create(principal, model, {
      title: changes.summary,
      description: changes.description ?? '',
      target,
      base,
      status: 'open',
    });
    try {
      const commitId = await this.commitTo(principal, model, discussion, { ...changes, parentCommit: undefined });
      await this.notifier.opened(model, discussion);
      return { discussion, commitId };
    } catch (err) {
      await this.refs.deletePullRequestRef(model, prRef(discussion.number));
      await this.proposals.delete(discussion.id);
      throw err;
    }
  }

  /** POST .../discussions: a discussion, or a pull request without commits yet (a `draft` until one lands). */
  async open(principal: Principal, model: ModelRecord, input: { title: string; description?: string; pullRequest?: boolean }): Promise<DiscussionRecord> {
    await this.proposalAccess.assertMayPropose(principal, model);
    const discussion = await this.create(principal, model, {
      title: input.title,
      description: input.description ?? '',
      target: input.pullRequest ? DEFAULT_BRANCH : undefined,
      status: input.pullRequest ? 'draft' : 'open',
    });
    await this.notifier.opened(model, discussion);
    return discussion;
  }

  /** A commit to `refs/pr/N` (its author and members; ProposalAccessService.assertMayPush). */
  async push(principal: Principal, model: ModelRecord, number: number, changes: CommitChanges): Promise<{ discussion: DiscussionRecord; commitId: string }> {
    const discussion = await this.pullRequest(model, number);
    const commitId = await this.commitTo(principal, model, discussion, changes);
    return { discussion: (await this.proposals.find(model.id, number))!, commitId };
  }

  async list(
    model: ModelRecord,
    q: { page?: number; type?: 'all' | 'discussion' | 'pull_request'; status?: 'all' | 'open' | 'closed' | DiscussionStatus; author?: string },
  ): Promise<{ items: DiscussionRecord[]; count: number; start: number }> {
    const start = (q.page ?? 0) * PAGE_SIZE;
    const isPullRequest = q.type === 'pull_request' ? true : q.type === 'discussion' ? false : undefined;
    // Hugging Face's `open` includes drafts; `closed` includes merged pull requests.
    const statuses: DiscussionStatus[] | undefined =
      q.status === 'open' ? ['open', 'draft'] : q.status === 'closed' ? ['closed', 'merged'] : q.status && q.status !== 'all' ? [q.status] : undefined;
    const { items, count } = await this.proposals.list(model.id, { isPullRequest, statuses, authorName: q.author, skip: start, take: PAGE_SIZE });
    return { items, count, start };
  }

  async get(model: ModelRecord, number: number): Promise<{ discussion: DiscussionRecord; events: DiscussionEventRecord[] }> {
    const discussion = await this.find(model, number);
    return { discussion, events: await this.proposals.events(discussion.id) };
  }

  async find(model: ModelRecord, number: number): Promise<DiscussionRecord> {
    const d = Number.isSafeInteger(number) && number > 0 ? await this.proposals.find(model.id, number) : null;
    if (!d) throw discussionNotFound(model, number);
    return d;
  }

  async pullRequest(model: ModelRecord, number: number): Promise<DiscussionRecord> {
    const d = await this.find(model, number);
    if (!d.isPullRequest) throw HubException.badRequest('not_a_pull_request', `#${number} of ${model.fullName} is a discussion, not a pull request`);
    return d;
  }

  /** The head of pull request N's ref (readable after a merge or close too). */
  async head(model: ModelRecord, discussion: DiscussionRecord): Promise<string> {
    return this.revisions.refHead(model, prRef(discussion.number));
  }

  private async create(
    principal: Principal,
    model: ModelRecord,
    input: { title: string; description: string; target?: string; base?: string; status: DiscussionStatus },
  ): Promise<DiscussionRecord> {
    const title = input.title?.trim() ?? '';
    if (title.length < 1 || title.length > MAX_TITLE_LENGTH) {
      throw HubException.badRequest('invalid_title', `A discussion's title must be 1 to ${MAX_TITLE_LENGTH} characters long`);
    }
    if (input.description.length > MAX_TEXT_LENGTH) {
      throw HubException.badRequest('invalid_description', `A description may be at most ${MAX_TEXT_LENGTH} characters`);
    }
    let base: string | undefined;
    let targetBranch: string | undefined;
    if (input.target !== undefined) {
      // Only a branch can be a target: a version, a commit or another pull request is 404 RevisionNotFound.
      targetBranch = input.target.replace(/^refs\/heads\//, '');
      const head = await this.revisions.branchHead(model, targetBranch);
      base = input.base ?? head;
    }
    const number = await this.proposals.nextNumber(model.id);
    const discussion = await this.proposals.create({
      modelId: model.id,
      number,
      isPullRequest: input.target !== undefined,
      title,
      status: input.status,
      authorId: principal.userId,
      targetBranch,
      baseCommitId: base,
    });
    if (base) await this.refs.createPullRequestRef(model, prRef(number), base);
    // The first event is the opening comment (Hugging Face shows the description as one).
    await this.proposals.addEvent(discussion.id, 'comment', principal.userId, commentData(input.description, principal.username));
    return discussion;
  }

  private async commitTo(principal: Principal, model: ModelRecord, discussion: DiscussionRecord, changes: CommitChanges): Promise<string> {
    const party = { number: discussion.number, authorId: discussion.authorId, status: discussion.status };
    await this.proposalAccess.assertMayPush(principal, model, party);
    await this.assertBytesAllowed(principal, model, changes.operations);
    const { commitId } = await this.commits.commit(
      principal,
      model,
      { ...changes, branch: prRef(discussion.number) },
      { authorize: () => this.proposalAccess.assertMayPush(principal, model, party) },
    );
    await this.proposals.addEvent(discussion.id, 'commit', principal.userId, { subject: changes.summary, oid: commitId });
    if (discussion.status === 'draft') await this.proposals.changeStatus(discussion.id, ['draft'], { status: 'open' });
    return commitId;
  }

  /**
   * Never bytes the author may not download: someone who may not download the model (gated, no
   * grant) copies nothing from it and names only LFS objects they uploaded themselves.
   */
  private async assertBytesAllowed(principal: Principal, model: ModelRecord, operations: CommitOperation[]): Promise<void> {
    if ((await this.access.isMember(principal, model)) || (await this.proposalAccess.mayReuseModelBytes(principal, model))) return;
    const copy = operations.find((op) => op.kind === 'copy');
    if (copy) {
      throw HubException.forbidden(
        `You may not download the files of ${model.fullName}, so your proposal cannot copy '${copy.fromPath}': upload the bytes instead`,
        'bytes_not_downloadable',
      );
    }
    for (const op of operations) {
      if (op.kind !== 'lfs') continue;
      await this.blobs.requireStored(op.sha256.toLowerCase(), op.size, { modelId: model.id, userId: principal.userId });
      if (!(await this.blobs.uploadedBy(op.sha256, model.id, principal.userId))) {
        throw HubException.forbidden(
          `You may not download the files of ${model.fullName}, and you did not upload the object ${op.sha256} of '${op.path}': upload it through the LFS batch API first`,
          'bytes_not_downloadable',
        );
      }
    }
  }
}

/** A comment event's data as Hugging Face keeps it: the latest text, an edit history, flags. */
export function commentData(text: string, author: string, history: Record<string, unknown>[] = []): Record<string, unknown> {
  const latest = { raw: text, html: '', updatedAt: new Date().toISOString(), author: { name: author } };
  return { edited: history.length > 0, hidden: false, latest, history: [latest, ...history] };
}
