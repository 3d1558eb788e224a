import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CliError, EXIT } from '../core/errors';
import { formatBytes } from '../core/format';
import { hfModelPath, type HubClient, type RepoRef } from '../core/hub-client';
import { headBytes, type LocalFile, pathFilter, sha256File, walk } from '../core/local-files';
import { type ProgressDisplay } from '../progress/progress-display';
import { mapLimit } from '../transfer/concurrency';
import { type RateLimiter } from '../transfer/rate-limiter';
import { type LfsObject, type LfsStats, LfsUploader } from './lfs-uploader';
import { UploadState } from './upload-state';

export interface UploadOptions {
  source: string;
  pathInRepo?: string;
  include?: string[];
  exclude?: string[];
  revision: string;
  message?: string;
  description?: string;
  workers: number;
  limiter?: RateLimiter;
  /** Open a pull request on `revision` with the commit instead of committing to it (`create_pr=1`). */
  createPr?: boolean;
}

export interface UploadResult {
  repo: string;
  revision: string;
  commitOid: string;
  commitUrl: string;
  /** With createPr: the pull request the commit opened. */
  pullRequestUrl?: string;
  files: number;
  lfsFiles: number;
  inlineFiles: number;
  bytes: number;
  lfs: LfsStats;
  seconds: number;
  /** Where the time went: hashing the LFS files, sending them (parts and confirmations), the commit. */
  timings: { hashSeconds: number; lfsSeconds: number; commitSeconds: number };
}

interface PlannedFile extends LocalFile {
  repoPath: string;
  sha256?: string;
  mode?: 'lfs' | 'regular';
  /** A small file's bytes, read once for the preupload sample and kept for the inline commit. */
  content?: Buffer;
}

/** Inline content per commit, past which files go through LFS too (the hub's body limit is 200 MB of base64). */
const INLINE_BUDGET = 64 * 1024 * 1024;
const PREUPLOAD_BATCH = 250;
/** Preupload calls in flight at once. */
const PREUPLOAD_PARALLEL = 4;
/** Files up to this size are read whole at once (and kept while their total stays within INLINE_BUDGET). */
const READ_WHOLE = 1024 * 1024;

/** `upload`: the files of a folder (or one file) as one atomic commit. */
export class Uploader {
  constructor(
    private readonly client: HubClient,
    private readonly repo: RepoRef,
    private readonly progress: ProgressDisplay,
  ) {}

  async upload(o: UploadOptions): Promise<UploadResult> {
    const collected = await this.collect(o);
    const files = collected.length ? await this.classify(collected, o.revision, o.createPr) : [];
    if (files.length === 0) {
      const why = collected.length ? ' (all ignored by .gitignore)' : o.include || o.exclude ? ' (after --include/--exclude)' : '';
      throw new CliError(`Nothing to upload from ${o.source}${why}`, EXIT.usage, 'usage');
    }
    const lfsFiles = files.filter((f) => f.mode === 'lfs');
    const t0 = Date.now();
    await mapLimit(lfsFiles, 4, async (f) => void (f.sha256 = f.content ? createHash('sha256').update(f.content).digest('hex') : await sha256File(f.abs)));
    const hashSeconds = (Date.now() - t0) / 1000;

    const total = files.reduce((s, f) => s + f.size, 0);
    this.progress.start(total, files.length);
    const objects = new Map<string, LfsObject>();
    for (const f of lfsFiles) if (!objects.has(f.sha256!)) objects.set(f.sha256!, { oid: f.sha256!, size: f.size, abs: f.abs, name: f.repoPath });
    const uploader = new LfsUploader(
      this.client,
      this.repo,
      o.revision,
      // A dataset and a model of the same name are two repositories: their resume states stay apart.
      new UploadState(this.client.endpoint, this.repo.type === 'dataset' ? `datasets/${this.repo.id}` : this.repo.id),
      this.progress,
      o.workers,
      o.limiter,
    );
    try {
      const t1 = Date.now();
      await uploader.uploadAll([...objects.values()]);
      const t2 = Date.now();
      // Same bytes under a second path count as done too.
      this.progress.skip(lfsFiles.reduce((s, f) => s + f.size, 0) - [...objects.values()].reduce((s, x) => s + x.size, 0));
      const commit = await this.commit(files, o);
      this.progress.skip(files.filter((f) => f.mode === 'regular').reduce((s, f) => s + f.size, 0));
      const timings = { hashSeconds, lfsSeconds: (t2 - t1) / 1000, commitSeconds: (Date.now() - t2) / 1000 };
      const seconds = this.progress.elapsed();
      this.progress.stop(
        `Committed ${files.length} files (${formatBytes(total)}) to ${this.repo.id}@${o.revision}: ${commit.commitOid.slice(0, 12)} in ${seconds.toFixed(1)}s`,
      );
      return {
        repo: this.repo.id,
        revision: o.revision,
        commitOid: commit.commitOid,
        commitUrl: commit.commitUrl,
        ...(commit.pullRequestUrl ? { pullRequestUrl: commit.pullRequestUrl } : {}),
        files: files.length,
        lfsFiles: lfsFiles.length,
        inlineFiles: files.length - lfsFiles.length,
        bytes: total,
        lfs: uploader.stats,
        seconds,
        timings,
      };
    } catch (err) {
      this.progress.stop();
      throw err;
    }
  }

  private async collect(o: UploadOptions): Promise<PlannedFile[]> {
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(o.source);
    } catch {
      throw new CliError(`${o.source} does not exist`, EXIT.usage, 'usage');
    }
    const prefix = (o.pathInRepo ?? '').replace(/^\/+|\/+$/g, '');
    if (stat.isFile()) {
      const repoPath = prefix || path.basename(o.source);
      return [{ abs: path.resolve(o.source), rel: path.basename(o.source), size: stat.size, mtimeMs: stat.mtimeMs, repoPath }];
    }
    const keep = pathFilter(o.include, o.exclude);
    return walk(path.resolve(o.source))
      .filter((f) => keep(f.rel))
      .map((f) => ({ ...f, repoPath: prefix ? `${prefix}/${f.rel}` : f.rel }));
  }

  /**
   * Asks the hub which files go through LFS (size, a sample of their first bytes, .gitattributes)
   * and which a `.gitignore` (the one uploaded, else the revision's) leaves out; returns the others.
   */
  private async classify(files: PlannedFile[], revision: string, createPr?: boolean): Promise<PlannedFile[]> {
    const readIfThere = (name: string) => {
      const f = files.find((x) => x.repoPath === name);
      return f ? fs.promises.readFile(f.abs, 'utf8') : undefined;
    };
    const gitAttributes = await readIfThere('.gitattributes');
    const gitIgnore = await readIfThere('.gitignore');
    const ignored = new Set<string>();
    const batches: PlannedFile[][] = [];
    for (let i = 0; i < files.length; i += PREUPLOAD_BATCH) batches.push(files.slice(i, i + PREUPLOAD_BATCH));
    let held = 0;
    await mapLimit(batches, PREUPLOAD_PARALLEL, async (chunk) => {
      const samples = await Promise.all(
        chunk.map(async (f) => {
          if (f.size > READ_WHOLE || held + f.size > INLINE_BUDGET) return (await headBytes(f.abs, 512)).toString('base64');
          // Small files: read once, synchronously (cheaper than a thread-pool round trip each), kept for the commit.
          f.content = fs.readFileSync(f.abs);
          held += f.content.length;
          return f.content.subarray(0, 512).toString('base64');
        }),
      );
      const answer = await this.client.post<{ files: { path: string; uploadMode: 'lfs' | 'regular'; shouldIgnore?: boolean }[] }>(
        `${hfModelPath(this.repo)}/preupload/${encodeURIComponent(revision)}${prQuery(createPr)}`,
        {
          files: chunk.map((f, j) => ({ path: f.repoPath, size: f.size, sample: samples[j] })),
          ...(gitAttributes ? { gitAttributes } : {}),
          ...(gitIgnore ? { gitIgnore } : {}),
        },
      );
      for (const f of answer.files) if (f.shouldIgnore) ignored.add(f.path);
      const modes = new Map(answer.files.map((f) => [f.path, f.uploadMode]));
      for (const f of chunk) f.mode = modes.get(f.repoPath) ?? 'regular';
    });
    const kept = files.filter((f) => !ignored.has(f.repoPath));
    let inline = 0;
    for (const f of kept.filter((x) => x.mode === 'regular').sort((a, b) => a.size - b.size)) {
      inline += f.size;
      if (inline > INLINE_BUDGET && f.size > 0) f.mode = 'lfs';
    }
    return kept;
  }

  /** One NDJSON commit: small files inline (base64), the others as LFS pointers. */
  private async commit(files: PlannedFile[], o: UploadOptions): Promise<{ commitOid: string; commitUrl: string; pullRequestUrl?: string }> {
    const lines: string[] = [JSON.stringify({ key: 'header', value: { summary: o.message ?? defaultMessage(files), description: o.description ?? '' } })];
    const regular = files.filter((f) => f.mode === 'regular');
    const contents = await mapLimit(regular, 16, async (f) => f.content ?? (await fs.promises.readFile(f.abs)));
    regular.forEach((f, i) =>
      lines.push(JSON.stringify({ key: 'file', value: { path: f.repoPath, content: contents[i].toString('base64'), encoding: 'base64' } })),
    );
    for (const f of files)
      if (f.mode === 'lfs') lines.push(JSON.stringify({ key: 'lfsFile', value: { path: f.repoPath, algo: 'sha256', oid: f.sha256, size: f.size } }));
    const url = `${hfModelPath(this.repo)}/commit/${encodeURIComponent(o.revision)}${prQuery(o.createPr)}`;
    return this.client.request<{ commitOid: string; commitUrl: string; pullRequestUrl?: string }>('POST', url, {
      body: `${lines.join('\n')}\n`,
      contentType: 'application/x-ndjson',
    });
  }
}

/** The Hugging Face routes' flag: the files compare with, and the commit proposes to, the branch named. */
const prQuery = (createPr?: boolean) => (createPr ? '?create_pr=1' : '');

const defaultMessage = (files: PlannedFile[]) =>
  files.length === 1 ? `Upload ${files[0].repoPath} with modelhub` : `Upload ${files.length} files with modelhub`;
