import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CliError, EXIT, HubApiError } from '../core/errors';
import { formatBytes } from '../core/format';
import { encodePath, type HubClient, modelPath, type RepoRef, repoRoute, toHubError } from '../core/hub-client';
import { hashBuffers, hashRange, pathFilter, sha256File } from '../core/local-files';
import { type ProgressDisplay } from '../progress/progress-display';
import { Concurrency, mapLimit } from '../transfer/concurrency';
import { getRangeInto, type Meter, writeBody } from '../transfer/http-transfer';
import { type RateLimiter } from '../transfer/rate-limiter';
import { DownloadState } from './download-state';
import { gatedError } from './gated-error';

export interface DownloadOptions {
  files: string[];
  include?: string[];
  exclude?: string[];
  revision: string;
  localDir: string;
  workers: number;
  limiter?: RateLimiter;
}

export interface DownloadResult {
  repo: string;
  revision: string;
  commitId: string;
  localDir: string;
  files: { path: string; size: number; sha256: string; status: 'downloaded' | 'unchanged' }[];
  downloaded: number;
  unchanged: number;
  bytesFetched: number;
  bytesResumed: number;
  seconds: number;
}

interface TreeEntry {
  type: 'file' | 'directory';
  path: string;
  size: number;
  oid: string;
  lfs?: { oid: string; size: number };
}

/** Ranged GETs of this size (MODELHUB_DOWNLOAD_CHUNK_SIZE, bytes); files of more than two are fetched in parallel pieces. */
const CHUNK = Number(process.env.MODELHUB_DOWNLOAD_CHUNK_SIZE) || 16 * 1024 * 1024;

/** `download`: a revision's files into a folder, verified, resumable, skipping what is there. */
export class Downloader {
  private readonly gets: Concurrency;
  private bytesFetched = 0;
  private bytesResumed = 0;

  constructor(
    private readonly client: HubClient,
    private readonly repo: RepoRef,
    private readonly progress: ProgressDisplay,
    private readonly options: DownloadOptions,
  ) {
    this.gets = new Concurrency(options.workers);
  }

  async download(): Promise<DownloadResult> {
    const o = this.options;
    await this.checkAccess();
    const { commitId, entries } = await this.listFiles();
    const wanted = this.select(entries);
    const state = new DownloadState(o.localDir);
    this.progress.start(
      wanted.reduce((s, e) => s + e.size, 0),
      wanted.length,
    );
    try {
      const files = await mapLimit(wanted, o.workers, (e) => this.fetchFile(state, commitId, e));
      const seconds = this.progress.elapsed();
      const downloaded = files.filter((f) => f.status === 'downloaded').length;
      this.progress.stop(
        `${downloaded} files downloaded (${formatBytes(this.bytesFetched)}), ${files.length - downloaded} unchanged, into ${o.localDir} in ${seconds.toFixed(1)}s`,
      );
      return {
        repo: this.repo.id,
        revision: o.revision,
        commitId,
        localDir: o.localDir,
        files,
        downloaded,
        unchanged: files.length - downloaded,
        bytesFetched: this.bytesFetched,
        bytesResumed: this.bytesResumed,
        seconds,
      };
    } catch (err) {
      this.progress.stop();
      throw err;
    }
  }

  /** A gated model without a grant: refused before anything is fetched, naming the offers. */
  private async checkAccess(): Promise<void> {
    const access = await this.client.get<{ canDownload: boolean }>(`${modelPath(this.repo)}/access`);
    if (!access.canDownload) throw await gatedError(this.client, this.repo);
  }

  private async listFiles(): Promise<{ commitId: string; entries: TreeEntry[] }> {
    const entries: TreeEntry[] = [];
    let commitId = '';
    let cursor: string | undefined;
    do {
      const page = await this.client.get<{ commitId: string; entries: TreeEntry[]; nextCursor: string | null }>(`${modelPath(this.repo)}/files`, {
        // Pinned to the commit after the first page, so that every page is the same tree.
        revision: commitId || this.options.revision,
        recursive: true,
        cursor,
        limit: 1000,
      });
      commitId = page.commitId;
      entries.push(...page.entries.filter((e) => e.type === 'file'));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return { commitId, entries };
  }

  private select(entries: TreeEntry[]): TreeEntry[] {
    const o = this.options;
    if (o.files.length) {
      const byPath = new Map(entries.map((e) => [e.path, e]));
      const missing = o.files.filter((f) => !byPath.has(f));
      if (missing.length) throw new CliError(`Not in ${this.repo.id}@${o.revision}: ${missing.join(', ')}`, EXIT.notFound, 'EntryNotFound');
      return o.files.map((f) => byPath.get(f)!);
    }
    const keep = pathFilter(o.include, o.exclude);
    return entries.filter((e) => keep(e.path));
  }

  private async fetchFile(state: DownloadState, commitId: string, e: TreeEntry): Promise<DownloadResult['files'][number]> {
    const target = path.join(this.options.localDir, ...e.path.split('/'));
    const unchanged = await this.unchanged(state, target, e);
    if (unchanged) {
      this.progress.skip(e.size);
      return { path: e.path, size: e.size, sha256: unchanged, status: 'unchanged' };
    }
    const bar = this.progress.file(e.path, e.size);
    const meter: Meter = { limiter: this.options.limiter, onBytes: (n) => (bar.add(n), (this.bytesFetched += n)) };
    try {
      let incomplete: string;
      let sha256: string | undefined;
      const first = await this.gets.run(async () => {
        const r = await this.resolve(commitId, e);
        // Small files come inline in the answer itself, hashed as they are written.
        if (r.body) {
          const hash = createHash('sha256');
          await writeBody(r.body, (incomplete = state.incomplete(e.path)), meter, hash);
          sha256 = hash.digest('hex');
        }
        return r;
      });
      if (first.url && e.size > 2 * CHUNK) {
        ({ incomplete, sha256 } = await this.chunked(state, commitId, e, first, meter, bar.add));
      } else if (first.url) {
        incomplete = state.fresh(e.path);
        let url = first.url;
        await this.gets.run(() =>
          getRangeInto(async (attempt) => (attempt === 0 ? url : (url = (await this.resolve(commitId, e, true)).url!)), incomplete, 0, null, meter),
        );
      }
      incomplete ??= state.fresh(e.path);
      sha256 ??= await sha256File(incomplete);
      if (sha256 !== first.sha256) {
        state.clear(e.path);
        throw new CliError(
          `${e.path}: the bytes received do not match (sha256 ${sha256}, expected ${first.sha256}); nothing was written, run the download again`,
        );
      }
      await fs.promises.mkdir(path.dirname(target), { recursive: true });
      await fs.promises.rename(incomplete, target);
      state.clear(e.path);
      const st = await fs.promises.stat(target);
      state.saveMetadata(e.path, { commitId, oid: e.oid, sha256, size: st.size, mtimeMs: st.mtimeMs });
      return { path: e.path, size: e.size, sha256, status: 'downloaded' };
    } finally {
      bar.done();
    }
  }

  /** The sha256 of the copy on disk when it is the wanted content; undefined otherwise. */
  private async unchanged(state: DownloadState, target: string, e: TreeEntry): Promise<string | undefined> {
    const st = await fs.promises.stat(target).catch(() => undefined);
    if (!st?.isFile() || st.size !== e.size) return undefined;
    const meta = state.metadata(e.path);
    if (meta && meta.oid === e.oid && meta.size === st.size && meta.mtimeMs === st.mtimeMs) return meta.sha256;
    if (!e.lfs) return undefined;
    // A copy made some other way: hashing it is cheaper than fetching it.
    const sha256 = await sha256File(target);
    return sha256 === e.lfs.oid ? sha256 : undefined;
  }

  /** The resolve route at the pinned commit: a presigned URL (302) or the bytes (200; `headOnly`: dropped). */
  private async resolve(commitId: string, e: TreeEntry, headOnly = false): Promise<{ url?: string; body?: ReadableStream<Uint8Array>; sha256: string }> {
    const res = await this.client.raw('GET', this.resolvePath(commitId, e), { redirect: 'manual' });
    const etag = (res.headers.get('x-linked-etag') ?? res.headers.get('etag') ?? '').replace(/^W\//, '').replace(/"/g, '');
    if (res.status === 302) {
      await res.body?.cancel();
      return { url: new URL(res.headers.get('location')!, this.client.endpoint).toString(), sha256: etag };
    }
    if (res.ok) {
      if (headOnly || !res.body) {
        await res.body?.cancel();
        return { sha256: etag };
      }
      return { body: res.body, sha256: etag };
    }
    const err = await toHubError(res);
    if (err.hfCode === 'GatedRepo' || (err instanceof HubApiError && (err.status === 401 || err.status === 403)))
      throw await gatedError(this.client, this.repo, err);
    throw err;
  }

  private resolvePath(commitId: string, e: TreeEntry): string {
    return `${repoRoute(this.repo)}/resolve/${commitId}/${encodePath(e.path)}`;
  }

  private async chunked(
    state: DownloadState,
    commitId: string,
    e: TreeEntry,
    first: { url?: string; sha256: string },
    meter: Meter,
    credit: (n: number) => void,
  ): Promise<{ incomplete: string; sha256: string }> {
    const count = Math.ceil(e.size / CHUNK);
    const done = state.doneChunks(e.path, { sha256: first.sha256, size: e.size, chunkSize: CHUNK });
    const incomplete = state.incomplete(e.path);
    let url = first.url!;
    let refreshing: Promise<string> | undefined;
    // Presigned URLs live minutes: a 403 mid-file asks the hub for a new one (once for all chunks).
    const current = async (attempt: number) => {
      if (attempt === 0) return url;
      refreshing ??= this.resolve(commitId, e, true)
        .then((r) => (url = r.url!))
        .finally(() => (refreshing = undefined));
      return refreshing;
    };
    for (const i of done) {
      const n = Math.min(CHUNK, e.size - i * CHUNK);
      this.bytesResumed += n;
      credit(n);
    }
    // The sha256 follows the chunks in order as they land (read back from the page cache), so
    // that checking it costs no time after the last byte.
    const hash = createHash('sha256');
    const buffers = hashBuffers();
    let hashed = 0;
    const advance = async () => {
      while (hashed < count && done.has(hashed)) {
        const start = hashed * CHUNK;
        await hashRange(incomplete, start, Math.min(start + CHUNK, e.size), hash, buffers);
        hashed++;
      }
    };
    let hashing: Promise<void> = advance();
    const fetched = Promise.all(
      Array.from({ length: count }, (_, i) => i)
        .filter((i) => !done.has(i))
        .map((i) =>
          this.gets.run(async () => {
            await getRangeInto(current, incomplete, i * CHUNK, Math.min((i + 1) * CHUNK, e.size), meter);
            state.recordChunk(e.path, i);
            done.add(i);
            hashing = hashing.then(advance);
          }),
        ),
    );
    try {
      await fetched;
    } finally {
      await hashing.catch(() => undefined);
    }
    await hashing;
    return { incomplete, sha256: hash.digest('hex') };
  }
}
