import { HttpStatus, Injectable } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { HubException } from '../common/hub-exception';
import type { ModelRecord } from '../models/model.repository';
import { ProposalAccessService } from '../models/proposal-access.service';
import type { CommitOperation } from '../repo-history/commit-operation';
import { BranchesService } from '../repo-history/branches.service';
import type { FileChange } from '../repo-history/commit.repository';
import { CommitService } from '../repo-history/commit.service';
import { assertValidRefName } from '../repo-history/repo-path-rules';
import { RevisionService } from '../repo-history/revision.service';
import { VersionInfo, VersionsService } from '../repo-history/versions.service';
import { ProposalConversationService } from './proposal-conversation.service';
import { ProposalNotifier } from './proposal-notifier.service';
import { DiscussionRecord, ProposalRepository } from './proposal.repository';
import { commentData, ProposalsService } from './proposals.service';

export interface MergeResult {
  discussion: DiscussionRecord;
  mergeCommitId: string;
  /** Whether the target had not moved since the pull request was opened. */
  fastForward: boolean;
  version: VersionInfo | null;
}

const sameSide = (a: FileChange['after'], b: FileChange['after']) => (a === null || b === null ? a === b : a.blobSha256 === b.blobSha256 && a.lfs === b.lfs);

/**
 * Merging a pull request into its target branch, by a member with `write`, after the approvals
 * the organization requires. Both cases go through CommitService (same checks, card, scans,
 * hooks), as one commit whose author is the contributor, whose committer is the merger and whose
 * second parent is the pull request's head:
 * - the target has not moved since the base: the commit takes the pull request's manifest as is;
 * - it has: a merge of manifests, file by file: a path changed on both sides since the base to
 *   different contents is a conflict (409 `merge_conflict` naming the paths, the same list as
 *   `filesWithConflicts`); otherwise each change of the pull request applies onto the target.
 * A version may be published on the merge commit in the same step.
 */
@Injectable()
export class ProposalMergeService {
  constructor(
    private readonly proposals: ProposalRepository,
    private readonly service: ProposalsService,
    private readonly conversation: ProposalConversationService,
    private readonly proposalAccess: ProposalAccessService,
    private readonly commits: CommitService,
    private readonly refs: BranchesService,
    private readonly revisions: RevisionService,
    private readonly versions: VersionsService,
    private readonly notifier: ProposalNotifier,
  ) {}

  /** Paths changed on both sides since the base to different contents (empty when none, or not an open pull request). */
  async conflicts(model: ModelRecord, d: DiscussionRecord): Promise<string[]> {
    if (!d.isPullRequest || d.status === 'merged' || d.status === 'closed' || !d.baseCommitId || !d.targetBranch) return [];
    // A target branch deleted since the opening has nothing to conflict with.
    const target = await this.revisions.branchHead(model, d.targetBranch).catch((err: unknown) => {
      if (err instanceof HubException && err.getStatus() === 404) return null;
      throw err;
    });
    return target ? (await this.plan(model, d, target)).conflicts : [];
  }

  async merge(principal: Principal, model: ModelRecord, number: number, input: { comment?: string; version?: string; notes?: string }): Promise<MergeResult> {
    const d = await this.service.pullRequest(model, number);
    await this.proposalAccess.assertMayReview(principal, model);
    if (d.status !== 'open') {
      const why = d.status === 'draft' ? 'a draft: push a commit to it first' : d.status;
      throw HubException.conflict(`Pull request #${number} of ${model.fullName} is ${why}`, `pull_request_${d.status}`);
    }
    const { requiredApprovals } = await this.proposalAccess.settingsFor(model);
    const approvals = await this.conversation.approvals(d);
    if (approvals.length < requiredApprovals) {
      throw HubException.conflict(
        `${model.namespace} requires ${requiredApprovals} approval(s) before a merge; #${number} has ${approvals.length}`,
        'approvals_required',
      );
    }
    if (input.version !== undefined) await this.assertVersionFree(model, input.version);

    const targetHead = await this.revisions.branchHead(model, d.targetBranch!);
    const plan = await this.plan(model, d, targetHead);
    if (plan.conflicts.length) {
      throw new HubException(
        HttpStatus.CONFLICT,
        'merge_conflict',
        `Pull request #${number} conflicts with '${d.targetBranch}' in ${plan.conflicts.length} file(s): ${plan.conflicts.slice(0, 20).join(', ')}`,
        { body: { filesWithConflicts: plan.conflicts } },
      );
    }
    const { commitId } = await this.commits.commit(
      principal,
      model,
      {
        branch: d.targetBranch!,
        parentCommit: targetHead,
        summary: `Merge pull request #${number}: ${d.title}`.slice(0, 1000),
        description: input.comment ?? '',
        operations: plan.operations,
      },
      { authorize: () => this.proposalAccess.assertMayReview(principal, model), authorId: d.authorId, mergedParentId: plan.prHead },
    );
    const at = new Date();
    if (!(await this.proposals.changeStatus(d.id, ['open'], { status: 'merged', mergeCommitId: commitId, mergedById: principal.userId, mergedAt: at }))) {
      throw HubException.conflict(`Pull request #${number} changed status while it was being merged`, 'status_changed');
    }
    if (input.comment?.trim()) await this.proposals.addEvent(d.id, 'comment', principal.userId, commentData(input.comment, principal.username));
    await this.proposals.addEvent(d.id, 'status_change', principal.userId, { status: 'merged' });
    const version =
      input.version !== undefined ? await this.versions.create(principal, model, { name: input.version, revision: commitId, notes: input.notes }) : null;
    const merged = (await this.proposals.find(model.id, number))!;
    await this.notifier.merged(model, merged, principal, version?.name ?? null);
    return { discussion: merged, mergeCommitId: commitId, fastForward: plan.fastForward, version };
  }

  /** What merging means at this target head: the operations to apply, or the conflicting paths. */
  private async plan(model: ModelRecord, d: DiscussionRecord, targetHead: string) {
    const prHead = await this.service.head(model, d);
    const base = d.baseCommitId!;
    const fastForward = targetHead === base;
    const proposed = await this.refs.changedFiles(base, prHead);
    const theirs = fastForward ? new Map<string, FileChange>() : new Map((await this.refs.changedFiles(base, targetHead)).map((c) => [c.path, c]));
    const conflicts: string[] = [];
    const operations: CommitOperation[] = [];
    for (const change of proposed) {
      const other = theirs.get(change.path);
      if (other && sameSide(other.after, change.after)) continue; // the same change on both sides
      if (other) {
        conflicts.push(change.path);
        continue;
      }
      operations.push(
        change.after === null ? { kind: 'delete', path: change.path } : { kind: 'copy', path: change.path, fromPath: change.path, fromRevision: prHead },
      );
    }
    return { prHead, fastForward, conflicts, operations };
  }

  private async assertVersionFree(model: ModelRecord, name: string): Promise<void> {
    assertValidRefName(name, 'version', 'invalid_version_name');
    const exists = await this.versions.get(model, name).then(
      () => true,
      (err: unknown) => {
        if (err instanceof HubException && err.getStatus() === 404) return false;
        throw err;
      },
    );
    if (exists)
      throw HubException.conflict(`Version '${name}' of ${model.fullName} already exists: versions are immutable, choose another name`, 'version_exists');
  }
}
