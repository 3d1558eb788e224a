import { Injectable, Logger } from '@nestjs/common';
import { BlobScanRepository, ScannableFile } from './blob-scan.repository';
import { FileScanService } from './file-scan.service';
import { FileScan, scanKindOf } from './file-scanners';
import { summarizeRepo } from './repo-summary';

/**
 * What runs after a commit (job `discovery.scan-commit`): every safetensors and pickle file of the
 * commit is scanned (once per blob), then the model's summary is recomputed from `main` as it is
 * now: `parameters`, `safetensors` {parameters per dtype, total}, `securityScan` {status, files}.
 * Recomputing from the current head (not the job's commit) makes out-of-order jobs harmless.
 */
@Injectable()
export class RepoScanService {
  private readonly logger = new Logger('Discovery');

  constructor(
    private readonly repo: BlobScanRepository,
    private readonly scanner: FileScanService,
  ) {}

  async scanCommit(modelId: string, commitId: string): Promise<{ scanned: number; summary: boolean }> {
    const files = (await this.repo.filesOf(commitId)).filter((f) => scanKindOf(f.path));
    await this.scanAll(files);
    const head = await this.repo.mainHead(modelId);
    if (!head) return { scanned: files.length, summary: false };
    await this.refreshSummary(modelId, head === commitId ? files : undefined);
    return { scanned: files.length, summary: true };
  }

  /** Recomputes the summary of `main` (scanning what is not scanned yet). */
  async refreshSummary(modelId: string, filesAtMain?: ScannableFile[]): Promise<void> {
    const head = await this.repo.mainHead(modelId);
    if (!head) return;
    const files = filesAtMain ?? (await this.repo.filesOf(head)).filter((f) => scanKindOf(f.path));
    const scans = await this.scanAll(files);
    await this.repo.saveModelSummary(modelId, summarizeRepo(files, scans));
  }

  /** Scans (or finds the scans of) the files; a file that cannot be read is logged and left pending. */
  private async scanAll(files: ScannableFile[]): Promise<Map<string, FileScan>> {
    const out = new Map<string, FileScan>();
    for (const f of files) {
      if (out.has(f.sha256)) continue;
      try {
        out.set(f.sha256, await this.scanner.scan(f, scanKindOf(f.path)!));
      } catch (err) {
        this.logger.error({ err, path: f.path, blob: f.sha256 }, 'Could not scan a file');
      }
    }
    return out;
  }
}
