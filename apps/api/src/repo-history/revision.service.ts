import { Injectable } from '@nestjs/common';
import { CacheInvalidation } from '../cache/cache-invalidation.service';
import { ImmutableCache } from '../cache/immutable-cache';
import { tag } from '../cache/invalidation-events';
import type { MovingCache } from '../cache/moving-cache';
import { HubException } from '../common/hub-exception';
import type { ModelRecord } from '../models/model.repository';
import { CommitRepository } from './commit.repository';
import { printable } from './repo-path-rules';

export const DEFAULT_BRANCH = 'main';

/** What a revision named. */
export interface ResolvedRevision {
  commitId: string;
  kind: 'branch' | 'version' | 'commit' | 'pull_request';
  /** The branch or version name, `refs/pr/N` for a pull request (absent for commit ids). */
  name?: string;
}

/** `refs/pr/N`: a pull request's ref, N its discussion number. */
export const PULL_REQUEST_REF = /^refs\/pr\/([1-9][0-9]{0,8})$/;

/** `refs%2Fpr%2F1` as some clients send it inside a path segment that was decoded once already. */
export const decodeRef = (rev: string) => (/^refs%2F/i.test(rev) ? rev.replace(/%2F/gi, '/') : rev);

const FULL_ID = /^[0-9a-f]{40}$/;
const PREFIX = /^[0-9a-f]{7,39}$/;

export const revisionNotFound = (model: ModelRecord, revision: string, why = '') =>
  HubException.notFound(
    `Revision Not Found for model ${model.fullName}: '${printable(revision)}' is not a branch, version or commit of this model${why}`,
    'revision_not_found',
    'RevisionNotFound',
  );

/**
 * Turns a revision as clients write it into a commit id. In order:
 * - `HEAD` → the `main` branch;
 * - `refs/heads/<b>` → branch b; `refs/tags/<v>` → version v; `refs/pr/<N>` → pull request N's
 *   head (also URL-decoded `refs%2Fpr%2FN`);
 * - a branch name, then a version name (branch and version names never collide: both are refused
 *   when the other exists);
 * - a full 40-hex commit id of this model;
 * - a unique prefix of 7 to 39 hex characters of one of this model's commit ids.
 * Anything else, or an ambiguous prefix, is 404 `RevisionNotFound`.
 *
 * Refs are read from a per-model cache of all of them that any ref change drops on every replica
 * (one query when it changed, none otherwise); that a commit id belongs to a model never changes.
 */
@Injectable()
export class RevisionService {
  private readonly refs: MovingCache<Refs>;
  private readonly knownCommits = new ImmutableCache<boolean>(50_000);

  constructor(
    private readonly commits: CommitRepository,
    invalidation: CacheInvalidation,
  ) {
    this.refs = invalidation.movingCache('refs', 10_000);
  }

  async resolve(model: ModelRecord, revision: string | undefined): Promise<ResolvedRevision> {
    const rev = revision === undefined || revision === '' ? 'HEAD' : revision;
    if (rev === 'HEAD') return this.branch(model, DEFAULT_BRANCH, rev);
    const decoded = decodeRef(rev);
    if (decoded.startsWith('refs/heads/')) return this.branch(model, decoded.slice('refs/heads/'.length), rev);
    if (decoded.startsWith('refs/tags/')) return this.version(model, decoded.slice('refs/tags/'.length), rev);
    if (PULL_REQUEST_REF.test(decoded)) return this.pullRequest(model, decoded, rev);
    if (decoded.startsWith('refs/')) throw revisionNotFound(model, rev, ' (only refs/heads/, refs/tags/ and refs/pr/ exist here)');

    const refs = await this.refsOf(model);
    const branchHead = refs.branches.get(rev);
    if (branchHead) return { commitId: branchHead, kind: 'branch', name: rev };
    const versionCommit = refs.versions.get(rev);
    if (versionCommit) return { commitId: versionCommit, kind: 'version', name: rev };

    const hex = rev.toLowerCase();
    if (FULL_ID.test(hex)) {
      const exists = await this.knownCommits.get(
        `${model.id}/${hex}`,
        () => this.commits.commitExists(model.id, hex),
        (known) => known,
      );
      if (exists) return { commitId: hex, kind: 'commit' };
    } else if (PREFIX.test(hex)) {
      const ids = await this.commits.commitIdsByPrefix(model.id, hex, 2);
      if (ids.length === 1) return { commitId: ids[0], kind: 'commit' };
      if (ids.length > 1) throw revisionNotFound(model, rev, ' (the commit id prefix is ambiguous: give more characters)');
    }
    throw revisionNotFound(model, rev);
  }

  /** The head of a branch; 404 `RevisionNotFound` when the branch does not exist. */
  async branchHead(model: ModelRecord, branch: string): Promise<string> {
    return (await this.branch(model, branch, branch)).commitId;
  }

  /** The head of a ref a commit can move: a branch, or a pull request's `refs/pr/N`. 404 `RevisionNotFound` otherwise. */
  async refHead(model: ModelRecord, ref: string): Promise<string> {
    return PULL_REQUEST_REF.test(ref) ? (await this.pullRequest(model, ref, ref)).commitId : this.branchHead(model, ref);
  }

  private async branch(model: ModelRecord, name: string, asWritten: string): Promise<ResolvedRevision> {
    // Pull request refs live beside branches (named refs/pr/N): never a branch.
    const head = name.startsWith('refs/') ? undefined : (await this.refsOf(model)).branches.get(name);
    if (!head) throw revisionNotFound(model, asWritten);
    return { commitId: head, kind: 'branch', name };
  }

  private async pullRequest(model: ModelRecord, ref: string, asWritten: string): Promise<ResolvedRevision> {
    const head = (await this.refsOf(model)).branches.get(ref);
    if (!head) throw revisionNotFound(model, asWritten, ' (no such pull request)');
    return { commitId: head, kind: 'pull_request', name: ref };
  }

  private async version(model: ModelRecord, name: string, asWritten: string): Promise<ResolvedRevision> {
    const commitId = (await this.refsOf(model)).versions.get(name);
    if (!commitId) throw revisionNotFound(model, asWritten);
    return { commitId, kind: 'version', name };
  }

  private refsOf(model: ModelRecord): Promise<Refs> {
    return this.refs.get(
      model.id,
      () => this.commits.refsOf(model.id),
      () => [tag.refs(model.id), tag.model(model.id)],
    );
  }
}

type Refs = Awaited<ReturnType<CommitRepository['refsOf']>>;
