import fs from 'node:fs';
import path from 'node:path';
import { readJson, readLog, writeJsonAtomic } from '../core/local-files';

/** What was downloaded to a path, to skip it next time while the file is untouched. */
export interface FileMetadata {
  commitId: string;
  /** The tree entry's oid: changes whenever the content does. */
  oid: string;
  sha256: string;
  size: number;
  mtimeMs: number;
}

/**
 * The download state of a local folder, in `<local-dir>/.modelhub/download/`: for each file
 * `<path>.json` (metadata of the copy in place), and while it is fetched `<path>.incomplete`
 * (the bytes, written at their offsets), `<path>.incomplete.plan` (sha256, size, chunk size)
 * and `<path>.incomplete.parts` (an append-only log of the chunks written and flushed).
 */
export class DownloadState {
  readonly root: string;

  constructor(readonly localDir: string) {
    this.root = path.join(localDir, '.modelhub', 'download');
  }

  metadata(repoPath: string): FileMetadata | undefined {
    return readJson<FileMetadata>(this.file(repoPath, '.json'));
  }

  saveMetadata(repoPath: string, meta: FileMetadata): void {
    writeJsonAtomic(this.file(repoPath, '.json'), meta);
  }

  incomplete(repoPath: string): string {
    const f = this.file(repoPath, '.incomplete');
    fs.mkdirSync(path.dirname(f), { recursive: true });
    return f;
  }

  /** Chunks already on disk for these bytes (none when the plan changed: another version of the file). */
  doneChunks(repoPath: string, plan: { sha256: string; size: number; chunkSize: number }): Set<number> {
    const saved = readJson<typeof plan>(this.file(repoPath, '.incomplete.plan'));
    const bytes = this.incomplete(repoPath);
    if (!saved || saved.sha256 !== plan.sha256 || saved.size !== plan.size || saved.chunkSize !== plan.chunkSize || !fs.existsSync(bytes)) {
      writeJsonAtomic(this.file(repoPath, '.incomplete.plan'), plan);
      fs.rmSync(this.file(repoPath, '.incomplete.parts'), { force: true });
      fs.writeFileSync(bytes, '');
      fs.truncateSync(bytes, plan.size);
      return new Set();
    }
    return new Set(readLog(this.file(repoPath, '.incomplete.parts')).map(Number));
  }

  recordChunk(repoPath: string, index: number): void {
    fs.appendFileSync(this.file(repoPath, '.incomplete.parts'), `${index}\n`);
  }

  /** Starts a file fetched in one piece: an empty `.incomplete`. */
  fresh(repoPath: string): string {
    const f = this.incomplete(repoPath);
    fs.writeFileSync(f, '');
    return f;
  }

  clear(repoPath: string): void {
    for (const ext of ['.incomplete', '.incomplete.plan', '.incomplete.parts']) fs.rmSync(this.file(repoPath, ext), { force: true });
  }

  private file(repoPath: string, ext: string): string {
    return path.join(this.root, `${repoPath}${ext}`);
  }
}
