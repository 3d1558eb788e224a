import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { BlobService } from '../blobs/blob.service';
import { HUB_CONFIG, ResolvedHubConfig } from '../config/hub-config';
import { ModelAccessService } from '../models/model-access.service';
import type { ModelRecord } from '../models/model.repository';
import { RevisionService } from '../repo-history/revision.service';
import { TreeEntry, TreeService } from '../repo-history/tree.service';
import { HfPreuploadDto } from './dto/hf-preupload.dto';
import { ProposalAccessService } from '../models/proposal-access.service';
import { ProposalsService } from '../proposals/proposals.service';
import { branchOf, pullRequestNumber } from './hf-commit.service';
import { ignoreMatcherFrom, lfsPatternsFrom, uploadModeFor } from './upload-mode';
import type { RepoKind } from '../models/repo-kind';

/**
 * What huggingface_hub compares with its `_local_oid` (_commit_api.py) to skip unchanged files:
 * an LFS file's content sha256, a regular file's git blob id; null for a new path.
 */
const remoteOid = (entry: TreeEntry | undefined) => (entry ? (entry.lfs?.oid ?? entry.oid) : null);

/** .gitattributes and .gitignore are read up to this size (Hugging Face's files are a few KiB). */
const RULES_MAX_BYTES = 100_000;

/**
 * Preupload as Hugging Face answers it: for each file, `uploadMode` (LFS or inline, from size,
 * sample and the `.gitattributes` of the revision plus one sent with the request), `shouldIgnore`
 * (the `.gitignore` sent, else the revision's) and the `oid` of the file already at that path, so
 * that huggingface_hub skips files that did not change.
 */
@Injectable()
export class HfPreuploadService {
  constructor(
    private readonly access: ModelAccessService,
    private readonly revisions: RevisionService,
    private readonly trees: TreeService,
    private readonly blobs: BlobService,
    @Inject(HUB_CONFIG) private readonly config: ResolvedHubConfig,
    private readonly proposalAccess: ProposalAccessService,
    private readonly proposals: ProposalsService,
  ) {}

  async preupload(principal: Principal, namespace: string, name: string, kind: RepoKind, revision: string, dto: HfPreuploadDto, createPr: boolean) {
    const branch = branchOf(revision);
    const model = await this.access.findReadable(principal, namespace, name, kind);
    const pr = pullRequestNumber(branch);
    let commitOid: string;
    if (createPr) {
      // The pull request does not exist yet: proposing is enough, and the files compare with the target branch.
      await this.proposalAccess.assertMayPropose(principal, model);
      commitOid = await this.revisions.branchHead(model, branch);
    } else if (pr !== null) {
      const discussion = await this.proposals.pullRequest(model, pr);
      await this.proposalAccess.assertMayPush(principal, model, { number: pr, authorId: discussion.authorId, status: discussion.status });
      commitOid = await this.proposals.head(model, discussion);
    } else {
      await this.access.assertCanWrite(principal, model);
      commitOid = await this.revisions.branchHead(model, branch);
    }
    const paths = dto.files.map((f) => f.path);
    const existing = await this.trees.pathsInfo(model, commitOid, [...paths, '.gitattributes', '.gitignore']);
    const byPath = new Map(existing.filter((e) => e.type === 'file').map((e) => [e.path, e]));
    const text = (path: string) => (byPath.has(path) ? this.text(model, commitOid, path) : Promise.resolve(undefined));
    const lfsPatterns = [...lfsPatternsFrom(await text('.gitattributes')), ...lfsPatternsFrom(dto.gitAttributes)];
    const ignored = ignoreMatcherFrom(dto.gitIgnore ?? (await text('.gitignore')));
    return {
      files: dto.files.map((f) => ({
        path: f.path,
        uploadMode: uploadModeFor(f, { thresholdBytes: this.config.lfsThresholdBytes, lfsPatterns }),
        shouldIgnore: ignored(f.path),
        oid: remoteOid(byPath.get(f.path)),
      })),
      commitOid,
    };
  }

  private async text(model: ModelRecord, commitId: string, path: string): Promise<string | undefined> {
    const file = await this.trees.getFile(model, commitId, path);
    return (await this.blobs.readPrefix(file.blobSha256, RULES_MAX_BYTES))?.toString('utf8');
  }
}
