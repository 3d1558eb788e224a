import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { cacheDir } from '../config/config-store';
import { readJson, readLog, writeJsonAtomic } from '../core/local-files';

/** A multipart upload the hub planned (its batch answer), kept so that a rerun can finish it. */
export interface MultipartPlan {
  oid: string;
  size: number;
  chunkSize: number;
  completionUrl: string;
  /** Part number → presigned URL (they live as long as the upload). */
  partUrls: Record<number, string>;
  expiresAt: number;
}

/**
 * Resumable upload state, one pair of files per object under $XDG_CACHE_HOME/modelhub/uploads/
 * <hash of endpoint and repo>/: `<sha256>.json`, the plan, written once; `<sha256>.parts`, an
 * append-only log of `partNumber etag` lines, one per part the storage acknowledged. A second
 * LFS batch for the same object would start a new multipart upload (the hub keeps no parts
 * across batches), so a rerun skips the batch for objects with a live plan and sends only the
 * parts missing from the log.
 */
export class UploadState {
  readonly dir: string;

  constructor(endpoint: string, repoId: string) {
    const key = createHash('sha256').update(`${endpoint}\n${repoId}`).digest('hex').slice(0, 16);
    this.dir = path.join(cacheDir(), 'uploads', key);
  }

  plan(oid: string): MultipartPlan | undefined {
    const plan = readJson<MultipartPlan>(this.file(oid, 'json'));
    // Keep a margin: parts sent right before the expiry could not be completed.
    if (!plan || plan.expiresAt < Date.now() + 10 * 60_000) return undefined;
    return plan;
  }

  savePlan(plan: MultipartPlan): void {
    writeJsonAtomic(this.file(plan.oid, 'json'), plan);
    fs.rmSync(this.file(plan.oid, 'parts'), { force: true });
  }

  /** Parts already acknowledged: part number → ETag. */
  sentParts(oid: string): Map<number, string> {
    const parts = new Map<number, string>();
    for (const line of readLog(this.file(oid, 'parts'))) {
      const [n, etag] = line.split(' ');
      if (n && etag) parts.set(Number(n), etag);
    }
    return parts;
  }

  recordPart(oid: string, partNumber: number, etag: string): void {
    fs.appendFileSync(this.file(oid, 'parts'), `${partNumber} ${etag}\n`);
  }

  forget(oid: string): void {
    fs.rmSync(this.file(oid, 'json'), { force: true });
    fs.rmSync(this.file(oid, 'parts'), { force: true });
  }

  private file(oid: string, ext: string): string {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    return path.join(this.dir, `${oid}.${ext}`);
  }
}
