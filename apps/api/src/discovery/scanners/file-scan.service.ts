import { Injectable } from '@nestjs/common';
import { ObjectStorage } from '../../storage/object-storage';
import { BlobLocation, BlobScanRepository } from './blob-scan.repository';
import { BufferSource, RandomAccessSource } from './byte-source';
import { FileScan, PickleScan, scanFile, scanKindOf, ScanKind, SCANNER_VERSION } from './file-scanners';
import type { PickleImport, Safety } from './pickle-import-policy';
import { RepoSummary, summarizeRepo } from './repo-summary';

/** What a tree listing shows of a pickle file. */
export interface FileSecurity {
  /** `pending` until the scan job has run. */
  status: Safety | 'pending';
  imports: PickleImport[];
}
import { StorageSource } from './storage-source';

/**
 * Scans of blobs, done once per content: a blob already scanned by this scanner version is not
 * read again, whichever model, file name or commit it appears under.
 */
@Injectable()
export class FileScanService {
  constructor(
    private readonly scans: BlobScanRepository,
    private readonly storage: ObjectStorage,
  ) {}

  /** The blob's scan (stored, or done now and stored). `bytes`: its content when the caller has it. */
  async scan(blob: BlobLocation, kind: ScanKind, bytes?: Buffer): Promise<FileScan> {
    const stored = (await this.scans.find([blob.sha256])).get(blob.sha256);
    if (stored && stored.scannerVersion === SCANNER_VERSION && stored.scan.kind === kind) return stored.scan;
    const scan = await scanFile(kind, bytes ? new BufferSource(bytes) : await this.source(blob));
    await this.scans.save(blob.sha256, scan, SCANNER_VERSION);
    return scan;
  }

  /** The pickle scans of these files (by blob), for tree listings; files of other kinds are absent. */
  async securityOf(files: { path: string; blobSha256: string }[]): Promise<Map<string, FileSecurity>> {
    const pickles = files.filter((f) => scanKindOf(f.path) === 'pickle');
    const stored = await this.scans.find(pickles.map((f) => f.blobSha256));
    const out = new Map<string, FileSecurity>();
    for (const f of pickles) {
      const s = stored.get(f.blobSha256)?.scan;
      out.set(f.blobSha256, s?.kind === 'pickle' ? { status: s.verdict, imports: (s as PickleScan).details.imports } : { status: 'pending', imports: [] });
    }
    return out;
  }

  /**
   * What the stored scans of a revision's files add up to, for model info at a revision other
   * than `main` (whose summary is kept on the model). Nothing is scanned here: every commit's files
   * are scanned by its job, and a file not scanned yet shows as pending.
   */
  async summaryAt(commitId: string): Promise<RepoSummary> {
    const files = (await this.scans.filesOf(commitId)).filter((f) => scanKindOf(f.path));
    const stored = await this.scans.find(files.map((f) => f.sha256));
    const scans = new Map<string, FileScan>();
    for (const f of files) {
      const s = stored.get(f.sha256)?.scan;
      if (s?.kind === scanKindOf(f.path)) scans.set(f.sha256, s);
    }
    return summarizeRepo(files, scans);
  }

  private async source(blob: BlobLocation): Promise<RandomAccessSource> {
    if (blob.storageKey) return new StorageSource(this.storage, blob.storageKey, blob.size);
    const bytes = await this.scans.readInline(blob.sha256);
    if (!bytes) throw new Error(`Blob ${blob.sha256} has neither an object key nor inline data`);
    return new BufferSource(bytes);
  }
}
