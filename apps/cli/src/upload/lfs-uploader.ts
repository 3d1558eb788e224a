import { CliError } from '../core/errors';
import { type HubClient, repoRoute, type RepoRef, toHubError } from '../core/hub-client';
import { type ProgressDisplay } from '../progress/progress-display';
import { Concurrency, mapLimit } from '../transfer/concurrency';
import { type Meter, putFileRange } from '../transfer/http-transfer';
import { type RateLimiter } from '../transfer/rate-limiter';
import { type MultipartPlan, type UploadState } from './upload-state';

export interface LfsObject {
  oid: string;
  size: number;
  /** A file on disk holding the bytes. */
  abs: string;
  /** The repository path shown in progress. */
  name: string;
}

export interface LfsStats {
  uploaded: number;
  skipped: number;
  resumed: number;
  bytesSent: number;
  partsSent: number;
  partsReused: number;
  /** Seconds waiting for the hub to complete and verify uploads (it reads the bytes back), summed. */
  confirmSeconds: number;
}

interface BatchObject {
  oid: string;
  size: number;
  actions?: { upload?: { href: string; header?: Record<string, string> }; verify?: { href: string; header?: Record<string, string> } };
  error?: { code: number; message: string };
}

const LFS_TYPE = 'application/vnd.git-lfs+json';
const BATCH_SIZE = 100;

/**
 * Sends large files the git-lfs way: one batch call per 100 objects (the hub answers which it
 * already holds), then basic PUTs or multipart parts straight to the storage's presigned URLs,
 * `workers` PUTs at once across all files, with resumable multipart state.
 */
export class LfsUploader {
  readonly stats: LfsStats = { uploaded: 0, skipped: 0, resumed: 0, bytesSent: 0, partsSent: 0, partsReused: 0, confirmSeconds: 0 };
  private readonly puts: Concurrency;

  constructor(
    private readonly client: HubClient,
    private readonly repo: RepoRef,
    private readonly revision: string,
    private readonly state: UploadState,
    private readonly progress: ProgressDisplay,
    private readonly workers: number,
    private readonly limiter?: RateLimiter,
  ) {
    this.puts = new Concurrency(workers);
  }

  async uploadAll(objects: LfsObject[]): Promise<void> {
    const resumable = objects.filter((o) => this.state.plan(o.oid));
    const fresh = objects.filter((o) => !this.state.plan(o.oid));
    const jobs: Promise<void>[] = resumable.map((o) => this.resume(o));
    for (let i = 0; i < fresh.length; i += BATCH_SIZE) {
      const chunk = fresh.slice(i, i + BATCH_SIZE);
      const answer = await this.batch(chunk);
      const byOid = new Map(answer.map((a) => [a.oid, a]));
      // Files are started a few at a time so that bars show the files actually in flight.
      jobs.push(mapLimit(chunk, this.workers, (o) => this.handle(o, byOid.get(o.oid))).then(() => undefined));
    }
    await Promise.all(jobs);
  }

  private async batch(objects: LfsObject[]): Promise<BatchObject[]> {
    const res = await this.client.raw('POST', `${repoRoute(this.repo)}.git/info/lfs/objects/batch`, {
      body: {
        operation: 'upload',
        transfers: ['basic', 'multipart'],
        hash_algo: 'sha256',
        ref: { name: this.revision },
        objects: objects.map((o) => ({ oid: o.oid, size: o.size })),
      },
      contentType: LFS_TYPE,
      headers: { Accept: LFS_TYPE },
    });
    if (!res.ok) throw await toHubError(res);
    return ((await res.json()) as { objects: BatchObject[] }).objects;
  }

  private async handle(o: LfsObject, answer: BatchObject | undefined): Promise<void> {
    if (!answer) throw new CliError(`The hub's LFS batch answer left out ${o.name}`);
    if (answer.error) throw new CliError(`The hub refused ${o.name}: ${answer.error.message}`);
    const upload = answer.actions?.upload;
    if (!upload) {
      this.stats.skipped++;
      this.progress.skip(o.size);
      return;
    }
    if (upload.header?.chunk_size) {
      const header = upload.header;
      const partUrls: Record<number, string> = {};
      for (const [k, v] of Object.entries(header)) if (/^\d+$/.test(k)) partUrls[Number(k)] = v;
      const expiresIn = Number((upload as { expires_in?: number }).expires_in ?? 3600);
      const plan: MultipartPlan = {
        oid: o.oid,
        size: o.size,
        chunkSize: Number(header.chunk_size),
        completionUrl: upload.href,
        partUrls,
        expiresAt: Date.now() + expiresIn * 1000,
      };
      this.state.savePlan(plan);
      await this.sendParts(o, plan, new Map());
    } else {
      await this.basic(o, answer);
    }
    this.stats.uploaded++;
  }

  /** An object with a live plan from an interrupted run: only the parts missing from its log. */
  private async resume(o: LfsObject): Promise<void> {
    const plan = this.state.plan(o.oid)!;
    const sent = this.state.sentParts(o.oid);
    try {
      await this.sendParts(o, plan, sent);
      this.stats.resumed++;
    } catch (err) {
      if (!(err instanceof PlanGone)) throw err;
      // The hub no longer knows the upload (expired, aborted): start again.
      this.state.forget(o.oid);
      const [answer] = await this.batch([o]);
      await this.handle(o, answer);
    }
  }

  private async sendParts(o: LfsObject, plan: MultipartPlan, sent: Map<number, string>): Promise<void> {
    const numbers = Object.keys(plan.partUrls)
      .map(Number)
      .sort((a, b) => a - b);
    const bar = this.progress.file(o.name, o.size);
    const meter = this.meter(bar.add);
    try {
      const etags = new Map(sent);
      for (const n of etags.keys()) {
        this.stats.partsReused++;
        bar.add(Math.min(plan.chunkSize, o.size - (n - 1) * plan.chunkSize));
      }
      await Promise.all(
        numbers
          .filter((n) => !etags.has(n))
          .map((n) =>
            this.puts.run(async () => {
              const start = (n - 1) * plan.chunkSize;
              const length = Math.min(plan.chunkSize, o.size - start);
              const etag = await putFileRange(plan.partUrls[n], o.abs, start, length, meter);
              if (!etag) throw new CliError(`The storage acknowledged part ${n} of ${o.name} without an ETag`);
              this.stats.partsSent++;
              this.stats.bytesSent += length;
              this.state.recordPart(o.oid, n, etag);
              etags.set(n, etag);
            }),
          ),
      );
      const t0 = Date.now();
      await this.complete(
        o,
        plan,
        numbers.map((n) => ({ partNumber: n, etag: etags.get(n)! })),
      );
      this.stats.confirmSeconds += (Date.now() - t0) / 1000;
      this.state.forget(o.oid);
    } finally {
      bar.done();
    }
  }

  /**
   * The completion call (the hub reads the object back: it can take a while). A completion the
   * interrupted run had started is waited for; one it had finished counts as done.
   */
  private async complete(o: LfsObject, plan: MultipartPlan, parts: { partNumber: number; etag: string }[]): Promise<void> {
    for (let waited = 0; ; waited += 2) {
      const res = await fetch(plan.completionUrl, {
        method: 'POST',
        headers: { Accept: LFS_TYPE, 'Content-Type': LFS_TYPE },
        body: JSON.stringify({ oid: o.oid, parts }),
      });
      if (res.ok) return;
      const err = await toHubError(res);
      if (err.code === 'upload_already_completed') return;
      if (err.code === 'upload_completion_in_progress' && waited < 600) {
        await new Promise((r) => setTimeout(r, 2000));
        continue;
      }
      if (res.status === 410 || res.status === 404 || err.code === 'invalid_completion_token') throw new PlanGone(err.message);
      throw new CliError(`Completing the upload of ${o.name} failed: ${err.message}`);
    }
  }

  private async basic(o: LfsObject, answer: BatchObject): Promise<void> {
    const upload = answer.actions!.upload!;
    const bar = this.progress.file(o.name, o.size);
    try {
      await this.puts.run(() => putFileRange(upload.href, o.abs, 0, o.size, this.meter(bar.add), upload.header ?? {}));
      this.stats.bytesSent += o.size;
      this.stats.partsSent++;
      const verify = answer.actions?.verify;
      if (verify) {
        const res = await fetch(verify.href, {
          method: 'POST',
          headers: { Accept: LFS_TYPE, 'Content-Type': LFS_TYPE, ...(verify.header ?? this.client.authHeaders()) },
          body: JSON.stringify({ oid: o.oid, size: o.size }),
        });
        if (!res.ok) throw new CliError(`The hub did not verify ${o.name}: ${(await toHubError(res)).message}`);
      }
    } finally {
      bar.done();
    }
  }

  private meter(onBytes: (n: number) => void): Meter {
    return { limiter: this.limiter, onBytes };
  }
}

class PlanGone extends Error {}
