import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { HubException } from '../common/hub-exception';
import { HUB_CONFIG, ResolvedHubConfig } from '../config/hub-config';
import { HubLinks } from '../links/hub-links.service';
import { ModelAccessService } from '../models/model-access.service';
import { CommitService } from '../repo-history/commit.service';
import { RevisionService } from '../repo-history/revision.service';
import { parseNdjsonCommit } from './ndjson-commit.parser';

export const PULL_REQUESTS_UNSUPPORTED = 'Pull requests (create_pr) are not supported by this hub yet: commit to a branch you can write to instead';

/** Commits in the Hugging Face protocol: the NDJSON commit (preupload: HfPreuploadService). */
@Injectable()
export class HfCommitService {
  constructor(
    private readonly access: ModelAccessService,
    private readonly revisions: RevisionService,
    private readonly commits: CommitService,
    @Inject(HUB_CONFIG) private readonly config: ResolvedHubConfig,
    private readonly links: HubLinks,
  ) {}

  async commit(principal: Principal, namespace: string, name: string, revision: string, body: unknown, createPr: boolean) {
    const branch = branchOf(revision);
    if (createPr) throw HubException.badRequest('pull_requests_unsupported', PULL_REQUESTS_UNSUPPORTED);
    if (typeof body !== 'string') {
      throw new HubException(415, 'unsupported_media_type', 'A commit is sent as application/x-ndjson: one {key, value} JSON object a line');
    }
    const payload = parseNdjsonCommit(body);
    const model = await this.access.findReadable(principal, namespace, name);
    const { commitId } = await this.commits.commit(principal, model, {
      branch,
      parentCommit: payload.parentCommit,
      summary: payload.summary,
      description: payload.description,
      // A copy's `oid` is its source's sha256: the commit service refuses a mismatch (copy_source_mismatch), as on the native route.
      operations: payload.operations.map((op) =>
        op.kind === 'copy' ? { kind: 'copy' as const, path: op.path, fromPath: op.fromPath, sha256: op.sha256 } : op,
      ),
    });
    return { commitOid: commitId, commitUrl: `${this.links.origin()}/${model.fullName}/commit/${commitId}`, success: true };
  }
}

/** Commits go to a branch, named plainly or as `refs/heads/<name>`. */
export const branchOf = (revision: string) => revision.replace(/^refs\/heads\//, '');

/** `create_pr=1`, `create_pr=true`: huggingface_hub and @huggingface/hub spell it differently. */
export const isTruthyFlag = (value: unknown) => value === '1' || value === 'true' || value === 'True';
