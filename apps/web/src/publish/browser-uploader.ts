import { sha256 } from '@noble/hashes/sha256';
import { api, ApiError, csrfToken, enc } from '../api';
import { type RepoRef, repoApi, repoHfApi, repoPath } from '../repo-kind';
import { PartLedger, uploadKeyOf } from './part-ledger';

/** A file to commit, at its path in the repository. */
export interface UploadItem {
  path: string;
  file: File;
}

export type FileState = 'waiting' | 'hashing' | 'uploading' | 'done' | 'skipped' | 'failed';

export interface FileProgress {
  path: string;
  size: number;
  /** Bytes hashed or sent so far (of `size`). */
  done: number;
  state: FileState;
  mode: 'lfs' | 'regular';
  error?: string;
}

interface LfsAction {
  href: string;
  header?: Record<string, string>;
}
interface BatchObject {
  oid: string;
  size: number;
  actions?: { upload?: LfsAction; verify?: LfsAction };
  error?: { code: number; message: string };
}

const LFS = 'application/vnd.git-lfs+json';
const HASH_SLICE = 4 * 1024 * 1024;
const PARALLEL_PARTS = 4;
const PART_TRIES = 3;

const sameOrigin = (url: string) => new URL(url, location.href).origin === location.origin;

/**
 * A PUT with upload progress (fetch has none). Same-origin targets (the hub's storage gateway)
 * get the CSRF token as every change does; other origins (an S3 bucket) get only the signed URL.
 */
function put(url: string, body: Blob, headers: Record<string, string>, onProgress: (sent: number) => void): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    const csrf = csrfToken();
    if (csrf && sameOrigin(url)) xhr.setRequestHeader('X-CSRF-Token', csrf);
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () =>
      xhr.status >= 200 && xhr.status < 300 ? resolve(xhr.getResponseHeader('ETag')) : reject(new Error(`storage answered ${xhr.status} ${xhr.statusText}`));
    xhr.onerror = () => reject(new Error('the storage cannot be reached'));
    xhr.send(body);
  });
}

async function sampleOf(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.slice(0, 512).arrayBuffer());
  return btoa(String.fromCharCode(...bytes));
}

async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** A limit on PUTs in flight across all files. */
class Slots {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  constructor(private readonly size: number) {}
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((r) => this.queue.push(r));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

/**
 * Uploads files from the browser as the hub's clients do: the preupload call says which go through
 * LFS; those are hashed here (sha256), announced in one LFS batch, sent straight to storage (parts in
 * parallel when the hub plans a multipart upload, each part tried up to three times), completed;
 * then one commit names them all. A run that failed keeps its hashes, and the parts that were stored
 * stay in a PartLedger (localStorage), so `run` again, or a new uploader after a reload, sends only
 * what is missing.
 */
export class BrowserUploader {
  readonly files: FileProgress[];
  private readonly hashes = new Map<string, string>();
  /** Stored parts of unfinished multipart uploads, by upload id. */
  private readonly ledgers = new Map<string, PartLedger>();
  private readonly slots = new Slots(PARALLEL_PARTS);
  /** Parts PUT to storage (retries included), for the page to show what a resume saved. */
  partsSent = 0;

  constructor(
    private readonly repo: RepoRef,
    private readonly branch: string,
    private readonly items: UploadItem[],
    private readonly onChange: () => void,
  ) {
    this.files = items.map((i) => ({ path: i.path, size: i.file.size, done: 0, state: 'waiting', mode: 'regular' }));
  }

  async run(summary: string): Promise<{ commitId: string }> {
    for (const f of this.files) if (f.state === 'failed') Object.assign(f, { state: 'waiting', error: undefined });
    await this.classify();
    const lfs = this.items.map((item, i) => ({ item, progress: this.files[i] })).filter((x) => x.progress.mode === 'lfs');
    for (const x of lfs) await this.hash(x.item, x.progress);
    if (lfs.length) await this.uploadLfs(lfs);
    const operations = await Promise.all(
      this.items.map(async (item, i) =>
        this.files[i].mode === 'lfs'
          ? { op: 'lfs', path: item.path, sha256: this.hashes.get(item.path)!, size: item.file.size }
          : { op: 'put', path: item.path, contentBase64: await base64Of(item.file) },
      ),
    );
    const commit = await api<{ commitId: string }>(`${repoApi(this.repo)}/commits`, {
      method: 'POST',
      body: { branch: this.branch, summary, operations },
    });
    for (const f of this.files) if (f.state !== 'skipped') Object.assign(f, { state: 'done', done: f.size });
    this.onChange();
    return commit;
  }

  /** Overall progress: bytes hashed or sent, of everything. */
  get overall(): { done: number; total: number } {
    return this.files.reduce((a, f) => ({ done: a.done + f.done, total: a.total + f.size }), { done: 0, total: 0 });
  }

  private async classify(): Promise<void> {
    const files = await Promise.all(this.items.map(async (i) => ({ path: i.path, size: i.file.size, sample: await sampleOf(i.file) })));
    const answer = await api<{ files: { path: string; uploadMode: 'lfs' | 'regular' }[] }>(`${repoHfApi(this.repo)}/preupload/${enc(this.branch)}`, {
      method: 'POST',
      body: { files },
    });
    const modes = new Map(answer.files.map((f) => [f.path, f.uploadMode]));
    this.files.forEach((f) => (f.mode = modes.get(f.path) ?? 'regular'));
  }

  private async hash(item: UploadItem, progress: FileProgress): Promise<void> {
    if (this.hashes.has(item.path)) return;
    progress.state = 'hashing';
    const h = sha256.create();
    for (let at = 0; at < item.file.size; at += HASH_SLICE) {
      h.update(new Uint8Array(await item.file.slice(at, at + HASH_SLICE).arrayBuffer()));
      progress.done = Math.min(item.file.size, at + HASH_SLICE) / 2;
      this.onChange();
    }
    this.hashes.set(item.path, Array.from(h.digest(), (b) => b.toString(16).padStart(2, '0')).join(''));
  }

  private async uploadLfs(objects: { item: UploadItem; progress: FileProgress }[]): Promise<void> {
    const answer = await api<{ objects: BatchObject[] }>(`${repoPath(this.repo)}.git/info/lfs/objects/batch`, {
      method: 'POST',
      contentType: LFS,
      body: {
        operation: 'upload',
        transfers: ['basic', 'multipart'],
        hash_algo: 'sha256',
        ref: { name: this.branch },
        objects: objects.map((o) => ({ oid: this.hashes.get(o.item.path), size: o.item.file.size })),
      },
    });
    const byOid = new Map(answer.objects.map((o) => [o.oid, o]));
    const results = await Promise.allSettled(objects.map((o) => this.uploadOne(o.item, o.progress, byOid.get(this.hashes.get(o.item.path)!))));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async uploadOne(item: UploadItem, progress: FileProgress, answer: BatchObject | undefined): Promise<void> {
    try {
      if (!answer) throw new Error('the hub left this file out of its LFS answer');
      if (answer.error) throw new Error(answer.error.message);
      const upload = answer.actions?.upload;
      const half = item.file.size / 2;
      progress.state = 'uploading';
      if (!upload) {
        // The hub holds these bytes already.
        Object.assign(progress, { state: 'skipped', done: item.file.size });
        return;
      }
      if (upload.header?.chunk_size) await this.multipart(item, progress, answer.oid, upload, half);
      else {
        await put(upload.href, item.file, upload.header ?? {}, (sent) => {
          progress.done = half + sent / 2;
          this.onChange();
        });
        this.partsSent++;
        const verify = answer.actions?.verify;
        if (verify) await api(verify.href, { method: 'POST', contentType: LFS, body: { oid: answer.oid, size: item.file.size } });
      }
      Object.assign(progress, { state: 'done', done: item.file.size });
    } catch (err) {
      Object.assign(progress, { state: 'failed', error: (err as Error).message });
      throw err;
    } finally {
      this.onChange();
    }
  }

  private async multipart(item: UploadItem, progress: FileProgress, oid: string, upload: LfsAction, half: number): Promise<void> {
    const header = upload.header!;
    const chunkSize = Number(header.chunk_size);
    const urls = new Map(Object.entries(header).flatMap(([k, v]) => (/^\d+$/.test(k) ? [[Number(k), v] as const] : [])));
    const key = uploadKeyOf(upload.href);
    // Parts stored by an earlier try (on this page, or before a reload) stay stored: the hub answers the same upload again.
    const ledger = this.ledgers.get(key) ?? new PartLedger(key);
    this.ledgers.set(key, ledger);
    const sentOf = new Map<number, number>();
    const report = () => {
      let sent = 0;
      for (const [n] of ledger.etags) sent += Math.min(chunkSize, item.file.size - (n - 1) * chunkSize);
      for (const [n, s] of sentOf) if (!ledger.etags.has(n)) sent += s;
      progress.done = half + sent / 2;
      this.onChange();
    };
    report();
    // Settled, not all: a part that fails lets the others finish, so a retry has only the failed ones to send.
    const results = await Promise.allSettled(
      [...urls]
        .filter(([n]) => !ledger.etags.has(n))
        .map(([n, url]) =>
          this.slots.run(async () => {
            const start = (n - 1) * chunkSize;
            const blob = item.file.slice(start, start + chunkSize);
            for (let attempt = 1; ; attempt++) {
              try {
                this.partsSent++;
                const etag = await put(url, blob, {}, (s) => {
                  sentOf.set(n, s);
                  report();
                });
                if (!etag) throw new Error(`part ${n} was stored without an ETag (the storage must expose it to the browser)`);
                ledger.set(n, etag);
                report();
                return;
              } catch (err) {
                sentOf.delete(n);
                if (attempt >= PART_TRIES) throw new Error(`part ${n}: ${(err as Error).message}`, { cause: err });
                await new Promise((r) => setTimeout(r, 500 * attempt));
              }
            }
          }),
        ),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const parts = [...urls.keys()].sort((a, b) => a - b).map((partNumber) => ({ partNumber, etag: ledger.etags.get(partNumber)! }));
    try {
      await api(upload.href, { method: 'POST', contentType: LFS, body: { oid, parts } });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 'upload_already_completed')) throw err;
    }
    ledger.forget();
    this.ledgers.delete(key);
  }
}
