import { Worker } from 'node:worker_threads';

/**
 * The thread's code (plain JS, evaluated: it runs the same from sources under Jest and from the
 * build). It holds sha256 states by id. Every operation copies its starting state first thing,
 * before anything is awaited, so that a `drop` queued behind it cannot pull that state away.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const hashes = new Map();
const CHUNK = 4 << 20;
const start = (from) => {
  if (!from) return createHash('sha256');
  const hash = hashes.get(from);
  if (!hash) throw new Error('unknown hash state ' + from);
  return hash.copy();
};
// Ids are the caller's, never reused, so a state of a thread that died is never mistaken for another.
const keep = (m, hash) => {
  hashes.set(m.as, hash);
  return m.as;
};
// Follows a part the store is still writing at m.offset of m.file. Signal: Int32 [state (0 writing,
// 1 landed, 2 given up), sequence], then BigInt64 bytes written; only written bytes are read.
async function follow(m) {
  const hash = start(m.from);
  const ints = new Int32Array(m.signal, 0, 2);
  const written = new BigInt64Array(m.signal, 8, 1);
  const input = await fs.promises.open(m.file, 'r');
  const buf = Buffer.allocUnsafe(CHUNK);
  let size = 0;
  try {
    for (;;) {
      // The state before the length: once landed, the length read after it is final.
      const state = Atomics.load(ints, 0);
      const seq = Atomics.load(ints, 1);
      if (state === 2) return { hash: 0, size: -1 };
      const end = Number(Atomics.load(written, 0));
      if (size < end) {
        const { bytesRead } = await input.read(buf, 0, Math.min(CHUNK, end - size), m.offset + size);
        if (bytesRead === 0) throw new Error('the part file is shorter than what was written to it');
        hash.update(buf.subarray(0, bytesRead));
        size += bytesRead;
      } else if (state === 1) break;
      else {
        const wait = Atomics.waitAsync(ints, 1, seq, 200);
        if (wait.async) await wait.value;
      }
    }
  } finally {
    await input.close();
  }
  return { hash: keep(m, hash), size };
}
// Hashes byte ranges of files in order; with m.out, also writes them one after another into it.
async function ranges(m) {
  const hash = start(m.from);
  const out = m.out ? await fs.promises.open(m.out, 'w') : null;
  const buf = Buffer.allocUnsafe(CHUNK);
  let total = 0;
  try {
    for (const r of m.ranges) {
      const input = await fs.promises.open(r.file, 'r');
      try {
        for (let done = 0; done < r.size; ) {
          const { bytesRead } = await input.read(buf, 0, Math.min(CHUNK, r.size - done), r.offset + done);
          if (bytesRead === 0) throw new Error(r.file + ' is shorter than its part');
          const chunk = buf.subarray(0, bytesRead);
          hash.update(chunk);
          if (out) await out.write(chunk, 0, bytesRead, total);
          done += bytesRead;
          total += bytesRead;
        }
      } finally {
        await input.close();
      }
    }
  } finally {
    await out?.close();
  }
  return m.digest ? { sha256: hash.digest('hex'), size: total } : { hash: keep(m, hash), size: total };
}
parentPort.on('message', async (m) => {
  try {
    if (m.op === 'follow') parentPort.postMessage({ id: m.id, ...(await follow(m)) });
    else if (m.op === 'ranges') parentPort.postMessage({ id: m.id, ...(await ranges(m)) });
    else if (m.op === 'digest') parentPort.postMessage({ id: m.id, sha256: start(m.hash).digest('hex') });
    else for (const id of m.hashes) hashes.delete(id);
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: String((err && err.message) || err) });
  }
});
`;

/** A byte range of a file: where one part of an upload lies. */
export interface FileRange {
  file: string;
  offset: number;
  size: number;
}

type Pending = { resolve: (value: Record<string, unknown>) => void; reject: (err: Error) => void };

/**
 * The thread that sha256-hashes multipart uploads for the embedded store, so that hashing a GiB
 * never holds up the event loop serving the transfer. Started on first use; it does not keep the
 * process alive. Hash states live in the thread, named by ids (0: a new sha256).
 */
export class PartHashWorker {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  /**
   * Feeds a copy of hash `from` the bytes of a part being written at `offset` of `file`, as they
   * are written, until `signal` (see PlacedPartSink) says it landed (then all of it was read) or
   * was given up (size -1).
   */
  async follow(from: number, file: string, offset: number, signal: SharedArrayBuffer): Promise<{ hash: number; size: number }> {
    const answer = await this.call({ op: 'follow', from, file, offset, signal, as: this.nextId++ });
    return { hash: answer.hash as number, size: answer.size as number };
  }

  /** Feeds a copy of hash `from` these ranges, in order; keeps the state. */
  async hash(from: number, ranges: FileRange[]): Promise<{ hash: number; size: number }> {
    const answer = await this.call({ op: 'ranges', from, ranges, as: this.nextId++ });
    return { hash: answer.hash as number, size: answer.size as number };
  }

  /** The sha256 of these ranges, in order; with `out`, they are also written one after another into it. */
  async digestRanges(ranges: FileRange[], out?: string): Promise<{ sha256: string; size: number }> {
    const answer = await this.call({ op: 'ranges', from: 0, ranges, out, digest: true });
    return { sha256: answer.sha256 as string, size: answer.size as number };
  }

  async digest(hash: number): Promise<string> {
    return (await this.call({ op: 'digest', hash })).sha256 as string;
  }

  drop(hashes: number[]): void {
    const ids = hashes.filter(Boolean);
    if (ids.length && this.worker) this.worker.postMessage({ op: 'drop', hashes: ids });
  }

  async stop(): Promise<void> {
    await this.worker?.terminate();
    this.worker = null;
  }

  private call(message: Record<string, unknown>): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.thread().postMessage({ id, ...message });
    });
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    worker.on('message', (m: { id: number; error?: string }) => {
      const call = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error) call?.reject(new Error(m.error));
      else call?.resolve(m);
    });
    // A dead thread fails what it was doing (and its states are gone); the next call starts another.
    worker.on('error', (err) => this.fail(worker, err));
    worker.on('exit', () => this.fail(worker, new Error('The hashing thread stopped')));
    this.worker = worker;
    return worker;
  }

  private fail(worker: Worker, err: Error): void {
    if (this.worker !== worker) return;
    this.worker = null;
    for (const call of this.pending.values()) call.reject(err);
    this.pending.clear();
  }
}
