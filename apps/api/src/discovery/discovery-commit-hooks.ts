import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { HubException } from '../common/hub-exception';
import { JobQueueService } from '../jobs/job-queue.service';
import { LineageWriter } from '../lineage/lineage-writer.service';
import type { ModelRecord } from '../models/model.repository';
import { CommitHooksPort } from '../repo-history/commit-hooks.port';
import type { CommitOperation } from '../repo-history/commit-operation';
import { DISCOVERY_JOBS, ScanCommitJob } from './discovery-jobs';
import { OrgSecurityPolicyRepository } from './policy/org-security-policy.repository';
import { BlobScanRepository } from './scanners/blob-scan.repository';
import { FileScanService } from './scanners/file-scan.service';
import { importsAtLeast, PickleScan, scanKindOf } from './scanners/file-scanners';
import { SearchIndexRepository } from './search/search-index.repository';
import { cardText, searchDocument } from './search/search-text';

/**
 * What the commit service asks of discovery, and nothing more: the organization's pickle policy
 * before the branch moves, the scan job after the commit, the card text for search, and the
 * lineage graph (edges, data formats, licence conflict flags) before the commit answers.
 */
@Injectable()
export class DiscoveryCommitHooks extends CommitHooksPort {
  private readonly logger = new Logger('Discovery');

  constructor(
    private readonly jobs: JobQueueService,
    private readonly policies: OrgSecurityPolicyRepository,
    private readonly scans: FileScanService,
    private readonly blobs: BlobScanRepository,
    private readonly search: SearchIndexRepository,
    private readonly lineage: LineageWriter,
  ) {
    super();
  }

  /**
   * Under an organization policy that blocks dangerous pickles, scans every pickle file the
   * commit writes (its bytes are stored by now, the branch has not moved) and refuses the commit
   * with 422 `dangerous_pickle`, naming the file and the imports, when one is dangerous.
   */
  async beforeBranchMoves(model: ModelRecord, operations: CommitOperation[]): Promise<void> {
    const written = operations.filter((op): op is Extract<CommitOperation, { kind: 'put' | 'lfs' }> => op.kind === 'put' || op.kind === 'lfs');
    await this.refuseDangerousPickles(
      model,
      written.map((op) =>
        op.kind === 'put'
          ? { path: op.path, sha256: createHash('sha256').update(op.content).digest('hex'), content: op.content }
          : { path: op.path, sha256: op.sha256.toLowerCase() },
      ),
    );
  }

  /**
   * The same policy for files a commit copies (their source is known once the branch is locked):
   * a dangerous pickle committed before the policy was turned on is not published again under
   * another path or on another branch. Their scans are usually stored already (one per blob).
   */
  async beforeCopiesLand(model: ModelRecord, copies: { path: string; blobSha256: string }[]): Promise<void> {
    await this.refuseDangerousPickles(
      model,
      copies.map((c) => ({ path: c.path, sha256: c.blobSha256 })),
    );
  }

  private async refuseDangerousPickles(model: ModelRecord, files: { path: string; sha256: string; content?: Buffer }[]): Promise<void> {
    const pickles = files.filter((f) => scanKindOf(f.path) === 'pickle');
    if (!model.ownerOrgId || !pickles.length || !(await this.policies.get(model.ownerOrgId)).blockDangerousPickles) return;
    const refused: { file: string; imports: string[] }[] = [];
    for (const f of pickles) {
      const location = await this.blobs.location(f.sha256);
      if (!location) throw new Error(`Blob ${f.sha256} of '${f.path}' is not stored`);
      const scan = (await this.scans.scan(location, 'pickle', f.content)) as PickleScan;
      if (scan.verdict === 'dangerous') refused.push({ file: f.path, imports: importsAtLeast(scan, 'dangerous') });
    }
    if (!refused.length) return;
    const [first] = refused;
    throw new HubException(
      HttpStatus.UNPROCESSABLE_ENTITY,
      'dangerous_pickle',
      `Refused by the security policy of '${model.namespace}': '${first.file}' imports ${first.imports.join(', ')}, which can run code when the file is loaded. ` +
        'Save the weights as safetensors, or ask an organization admin about the policy',
      { body: { files: refused } },
    );
  }

  /** Queues the scan of the commit's files. A queue failure never fails the commit (it is logged). */
  async afterCommit(model: ModelRecord, commitId: string): Promise<void> {
    try {
      await this.jobs.send<ScanCommitJob>(DISCOVERY_JOBS.scanCommit, { modelId: model.id, commitId }, { retryLimit: 3, retryDelay: 10 });
    } catch (err) {
      this.logger.error({ err, model: model.fullName, commitId }, 'Could not queue the scan of a commit');
    }
  }

  /** The card's text (null: no README) into the model's search document. */
  async indexCard(modelId: string, readme: string | null): Promise<void> {
    await this.search.setSearchBody(modelId, readme === null ? '' : searchDocument(cardText(readme)));
  }

  /** The lineage from the card and files at `main`; a failure is logged, never the commit's. */
  async mainChanged(model: ModelRecord, readFile: (path: string, maxBytes: number) => Promise<Buffer | null>): Promise<void> {
    try {
      await this.lineage.refresh(model.id, readFile);
    } catch (err) {
      this.logger.error({ err, model: model.fullName }, 'Could not rewrite the lineage of a commit');
    }
  }
}
