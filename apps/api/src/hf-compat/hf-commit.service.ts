import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { HubException } from '../common/hub-exception';
import { HUB_CONFIG, ResolvedHubConfig } from '../config/hub-config';
import { HubLinks } from '../links/hub-links.service';
import { ModelAccessService } from '../models/model-access.service';
import { CommitService } from '../repo-history/commit.service';
import { ProposalsService } from '../proposals/proposals.service';
import { decodeRef, PULL_REQUEST_REF } from '../repo-history/revision.service';
import { parseNdjsonCommit } from './ndjson-commit.parser';
import type { RepoKind } from '../models/repo-kind';
import { repoWebPath } from '../models/repo-kind';

/**
 * Commits in the Hugging Face protocol: the NDJSON commit (preupload: HfPreuploadService). With
 * `create_pr=1` the commit opens pull request N on the branch named (ProposalsService); to
 * `refs/pr/N` it adds to that pull request.
 */
@Injectable()
export class HfCommitService {
  constructor(
    private readonly access: ModelAccessService,
    private readonly commits: CommitService,
    private readonly proposals: ProposalsService,
    @Inject(HUB_CONFIG) private readonly config: ResolvedHubConfig,
    private readonly links: HubLinks,
  ) {}

  async commit(principal: Principal, namespace: string, name: string, kind: RepoKind, revision: string, body: unknown, createPr: boolean) {
    const branch = branchOf(revision);
    if (typeof body !== 'string') {
      throw new HubException(415, 'unsupported_media_type', 'A commit is sent as application/x-ndjson: one {key, value} JSON object a line');
    }
    const payload = parseNdjsonCommit(body);
    const model = await this.access.findReadable(principal, namespace, name, kind);
    const changes = {
      parentCommit: payload.parentCommit,
      summary: payload.summary,
      description: payload.description,
      // A copy's `oid` is its source's sha256: the commit service refuses a mismatch (copy_source_mismatch), as on the native route.
      operations: payload.operations.map((op) =>
        op.kind === 'copy' ? { kind: 'copy' as const, path: op.path, fromPath: op.fromPath, sha256: op.sha256 } : op,
      ),
    };
    const commitUrl = (id: string) => `${this.links.origin()}${repoWebPath(model.kind, model.fullName)}/commit/${id}`;
    const pullRequestUrl = (n: number) => `${this.links.origin()}${repoWebPath(model.kind, model.fullName)}/discussions/${n}`;
    if (createPr) {
      const { discussion, commitId } = await this.proposals.openWithCommit(principal, model, branch, changes);
      return { commitOid: commitId, commitUrl: commitUrl(commitId), pullRequestUrl: pullRequestUrl(discussion.number), success: true };
    }
    const pr = pullRequestNumber(branch);
    if (pr !== null) {
      const { commitId } = await this.proposals.push(principal, model, pr, changes);
      return { commitOid: commitId, commitUrl: commitUrl(commitId), pullRequestUrl: pullRequestUrl(pr), success: true };
    }
    const { commitId } = await this.commits.commit(principal, model, { ...changes, branch });
    return { commitOid: commitId, commitUrl: commitUrl(commitId), success: true };
  }
}

/** N of `refs/pr/N` (also as `refs%2Fpr%2FN`); null for anything else. */
export const pullRequestNumber = (revision: string): number | null => {
  const m = PULL_REQUEST_REF.exec(decodeRef(revision));
  return m ? Number(m[1]) : null;
};

/** Commits go to a branch, named plainly or as `refs/heads/<name>`. */
export const branchOf = (revision: string) => decodeRef(revision).replace(/^refs\/heads\//, '');

/** `create_pr=1`, `create_pr=true`: huggingface_hub and @huggingface/hub spell it differently. */
export const isTruthyFlag = (value: unknown) => value === '1' || value === 'true' || value === 'True';
