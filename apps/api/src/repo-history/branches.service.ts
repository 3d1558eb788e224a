import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { HubException } from '../common/hub-exception';
import { ModelAccessService } from '../models/model-access.service';
import type { ModelRecord } from '../models/model.repository';
import { CommitRepository, FileChange } from './commit.repository';
import { assertValidRefName, printable } from './repo-path-rules';
import { DEFAULT_BRANCH, RevisionService, revisionNotFound } from './revision.service';
import { VersionRepository } from './version.repository';

export interface RefInfo {
  name: string;
  /** `refs/heads/<name>` or `refs/tags/<name>`. */
  ref: string;
  targetCommit: string;
}

export interface RefList {
  branches: RefInfo[];
  /** Versions (immutable tags). */
  tags: RefInfo[];
  /** Pull requests' `refs/pr/N` (asked for with `includePullRequests`). */
  pullRequests?: RefInfo[];
}

/**
 * Branches: names that move from commit to commit. `main` always exists and cannot be deleted.
 * Names follow git's ref rules (repo-path-rules.ts) and never repeat a version's name, so a
 * revision always means one thing.
 */
@Injectable()
export class BranchesService {
  constructor(
    private readonly commits: CommitRepository,
    private readonly versions: VersionRepository,
    private readonly revisions: RevisionService,
    private readonly access: ModelAccessService,
  ) {}

  /** Creates `name` at `startingPoint` (any revision; default the head of `main`). 409 `branch_exists`. */
  async create(principal: Principal | undefined, model: ModelRecord, name: string, startingPoint?: string): Promise<RefInfo> {
    await this.access.assertCanWrite(principal, model);
    assertValidRefName(name, 'branch', 'invalid_branch_name');
    const { commitId } = await this.revisions.resolve(model, startingPoint);
    if (await this.versions.headOf(model.id, name)) {
      throw HubException.conflict(`'${printable(name)}' is already the name of a version of ${model.fullName}: choose another branch name`, 'ref_exists');
    }
    if (!(await this.commits.createBranch(model.id, name, commitId))) {
      throw HubException.conflict(`Branch '${printable(name)}' already exists in ${model.fullName}`, 'branch_exists');
    }
    return { name, ref: `refs/heads/${name}`, targetCommit: commitId };
  }

  /** Deletes a branch (its commits stay reachable by id and by versions). `main`: 409. */
  async delete(principal: Principal | undefined, model: ModelRecord, name: string): Promise<void> {
    await this.access.assertCanWrite(principal, model);
    if (name === DEFAULT_BRANCH) {
      throw HubException.conflict(`You cannot delete the default branch: '${DEFAULT_BRANCH}' is the default branch of ${model.fullName}`, 'default_branch');
    }
    if (!(await this.commits.deleteBranch(model.id, name))) throw revisionNotFound(model, name, ' (no such branch)');
  }

  /** Creates pull request N's ref `refs/pr/N` at `commitId` (the proposals module decides who may). */
  async createPullRequestRef(model: ModelRecord, ref: string, commitId: string): Promise<void> {
    if (!(await this.commits.createPullRequestRef(model.id, ref, commitId)))
      throw HubException.conflict(`${ref} already exists in ${model.fullName}`, 'ref_exists');
  }

  /** Removes a pull request's ref whose opening failed. */
  deletePullRequestRef(model: ModelRecord, ref: string): Promise<void> {
    return this.commits.deletePullRequestRef(model.id, ref);
  }

  /** The files that differ between two commits of the model, in path order. */
  changedFiles(fromCommitId: string, toCommitId: string): Promise<FileChange[]> {
    return this.commits.changedFiles(fromCommitId, toCommitId);
  }

  async listRefs(model: ModelRecord, includePullRequests = false): Promise<RefList> {
    const [branches, versions, pulls] = await Promise.all([
      this.commits.listBranches(model.id),
      this.versions.list(model.id),
      includePullRequests ? this.commits.listPullRequestRefs(model.id) : Promise.resolve(null),
    ]);
    return {
      branches: branches.map((b) => ({ name: b.name, ref: `refs/heads/${b.name}`, targetCommit: b.commitId })),
      tags: versions.map((v) => ({ name: v.name, ref: `refs/tags/${v.name}`, targetCommit: v.commitId })),
      ...(pulls
        ? {
            pullRequests: pulls
              .map((p) => ({ name: p.name, ref: p.name, targetCommit: p.commitId }))
              .sort((a, b) => Number(a.name.slice('refs/pr/'.length)) - Number(b.name.slice('refs/pr/'.length))),
          }
        : {}),
    };
  }
}
