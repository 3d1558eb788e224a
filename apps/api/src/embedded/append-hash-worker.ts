import { Worker } from 'node:worker_threads';

/**
 * The thread's code (plain JS, evaluated: it runs the same from sources under Jest and from the
 * build). It holds sha256 states by id; `append` copies one, feeds it a file's bytes while
 * writing them into another file at an offset, and keeps the result under a new id.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const hashes = new Map();
let next = 1;
async function append(m) {
  const hash = m.from ? hashes.get(m.from).copy() : createHash('sha256');
  const out = await fs.promises.open(m.out, m.offset === 0 ? 'w' : 'r+');
  let offset = m.offset;
  try {
    for await (const chunk of fs.createReadStream(m.file, { highWaterMark: 4 << 20 })) {
      hash.update(chunk);
      await out.write(chunk, 0, chunk.length, offset);
      offset += chunk.length;
    }
  } finally {
    await out.close();
  }
  const id = next++;
  hashes.set(id, hash);
  return { hash: id, size: offset - m.offset };
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Follows a part file while the store still writes it; m.signal: [state (0 writing, 1 landed, 2 given up)].
async function follow(m) {
  const state = new Int32Array(m.signal);
  let input;
  while (!input) {
    input = await fs.promises.open(m.file, 'r').catch((err) => {
      if (err.code !== 'ENOENT') throw err;
    });
    if (!input && Atomics.load(state, 0) !== 0) return { hash: 0, size: -1 };
    if (!input) await sleep(5);
  }
  const hash = m.from ? hashes.get(m.from).copy() : createHash('sha256');
  const out = await fs.promises.open(m.out, m.offset === 0 ? 'w' : 'r+');
  const buf = Buffer.allocUnsafe(4 << 20);
  let size = 0;
  try {
    for (;;) {
      // Read before the read that finds no more: once landed, that read saw every byte.
      const now = Atomics.load(state, 0);
      const { bytesRead } = await input.read(buf, 0, buf.length, size);
      if (bytesRead > 0) {
        hash.update(buf.subarray(0, bytesRead));
        await out.write(buf, 0, bytesRead, m.offset + size);
        size += bytesRead;
      } else if (now === 2) return { hash: 0, size: -1 };
      else if (now === 1) break;
      else await sleep(5);
    }
  } finally {
    await Promise.all([input.close(), out.close()]);
  }
  const id = next++;
  hashes.set(id, hash);
  return { hash: id, size };
}
parentPort.on('message', async (m) => {
  try {
    if (m.op === 'append') parentPort.postMessage({ id: m.id, ...(await append(m)) });
    else if (m.op === 'follow') parentPort.postMessage({ id: m.id, ...(await follow(m)) });
    else if (m.op === 'digest') parentPort.postMessage({ id: m.id, sha256: hashes.get(m.hash).copy().digest('hex') });
    else for (const id of m.hashes) hashes.delete(id);
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: String(err && err.message || err) });
  }
});
`;

type Pending = { resolve: (value: Record<string, unknown>) => void; reject: (err: Error) => void };

/**
 * A thread that hashes and copies parts for the MultipartAssembler, so that sha256-ing a
 * multipart upload's bytes never holds up the event loop serving the transfer itself. Started on
 * first use; it does not keep the process alive.
 */
export class AppendHashWorker {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  /** Feeds `file` to a copy of hash `from` (0: a new sha256) while writing it into `out` at `offset`. */
  async append(from: number, file: string, out: string, offset: number): Promise<{ hash: number; size: number }> {
    const answer = await this.call({ op: 'append', from, file, out, offset });
    return { hash: answer.hash as number, size: answer.size as number };
  }

  /**
   * `append` of a part file the store is still writing, following it until `signal[0]` (an
   * Int32Array over a SharedArrayBuffer) says it landed (1: all of it is in the file) or was given
   * up (2: then size -1).
   */
  async follow(from: number, file: string, out: string, offset: number, signal: SharedArrayBuffer): Promise<{ hash: number; size: number }> {
    const answer = await this.call({ op: 'follow', from, file, out, offset, signal });
    return { hash: answer.hash as number, size: answer.size as number };
  }

  async digest(hash: number): Promise<string> {
    return (await this.call({ op: 'digest', hash })).sha256 as string;
  }

  drop(hashes: number[]): void {
    if (hashes.length && this.worker) this.worker.postMessage({ op: 'drop', hashes });
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
    // A dead thread fails what it was doing (those completions concatenate); the next call starts another.
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
