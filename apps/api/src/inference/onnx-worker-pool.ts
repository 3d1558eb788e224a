import { Worker } from 'node:worker_threads';

/** A tensor as it crosses to and from a worker: onnxruntime's element type, the typed array (or strings), the shape. */
export interface RawTensor {
  type: string;
  data: ArrayLike<unknown> & { buffer?: ArrayBufferLike };
  dims: readonly number[];
}

/** onnxruntime's description of an input or output, as the worker sends it back. */
export interface RawValueMetadata {
  name: string;
  isTensor: boolean;
  type?: string;
  shape?: readonly (number | string)[];
}

/** A session loaded in one of the pool's workers. */
export interface WorkerSession {
  inputs: RawValueMetadata[];
  outputs: RawValueMetadata[];
  /** The outputs, and how long onnxruntime's `run` itself took in the worker (Server-Timing's `model`). */
  run(feeds: Record<string, RawTensor>, fetches: string[]): Promise<{ outputs: Record<string, RawTensor>; runMs: number }>;
  release(): Promise<void>;
}

// The worker's code, evaluated by worker_threads (a string, so it runs alike from the sources and from dist/).
// onnxruntime-node's `run` is synchronous on the calling thread (it only defers the call with
// setImmediate), so each session runs in a worker and the API's event loop stays free.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ortPath);
const sessions = new Map();
parentPort.on('message', async (m) => {
  try {
    if (m.op === 'load') {
      const s = await ort.InferenceSession.create(new Uint8Array(m.bytes), workerData.options);
      sessions.set(m.key, s);
      parentPort.postMessage({ id: m.id, inputs: s.inputMetadata, outputs: s.outputMetadata });
    } else if (m.op === 'run') {
      const s = sessions.get(m.key);
      if (!s) throw new Error('session not loaded');
      const feeds = {};
      for (const [name, t] of Object.entries(m.feeds)) feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
      const startedAt = performance.now();
      const results = await s.run(feeds, m.fetches);
      const runMs = performance.now() - startedAt;
      const outputs = {};
      const transfer = [];
      for (const name of m.fetches) {
        const t = results[name];
        outputs[name] = { type: t.type, data: t.data, dims: t.dims };
        if (t.data.buffer && !transfer.includes(t.data.buffer)) transfer.push(t.data.buffer);
      }
      parentPort.postMessage({ id: m.id, outputs, runMs }, transfer);
    } else if (m.op === 'release') {
      const s = sessions.get(m.key);
      sessions.delete(m.key);
      if (s) await s.release();
      parentPort.postMessage({ id: m.id });
    }
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String((e && e.message) || e) });
  }
});
`;

interface Reply {
  id: number;
  error?: string;
  inputs?: RawValueMetadata[];
  outputs?: RawValueMetadata[] | Record<string, RawTensor>;
  runMs?: number;
}

class OnnxWorker {
  readonly worker: Worker;
  sessions = 0;
  closing = false;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();

  constructor(options: Record<string, unknown>) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { ortPath: require.resolve('onnxruntime-node'), options } });
    this.worker.on('message', (r: Reply) => {
      const p = this.pending.get(r.id);
      this.pending.delete(r.id);
      if (r.error !== undefined) p?.reject(new Error(r.error));
      else p?.resolve(r);
    });
    this.worker.on('error', (e) => this.failAll(e));
    this.worker.on('exit', (code) => this.failAll(new Error(this.closing ? 'The hub is shutting down' : `The inference worker exited (${code})`)));
  }

  call(message: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<Reply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id }, transfer);
    });
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}

/**
 * Worker threads that hold and run onnxruntime sessions. Each session lives in one worker (the
 * one with the fewest sessions when it is loaded); calls to it run there, so a computing model
 * never holds the event loop. Tensors cross as typed arrays, outputs transferred without a copy.
 */
export class OnnxWorkerPool {
  private readonly workers: OnnxWorker[];
  private nextKey = 1;

  constructor(size: number, options: Record<string, unknown>) {
    this.workers = Array.from({ length: size }, () => new OnnxWorker(options));
  }

  async load(bytes: Buffer): Promise<WorkerSession> {
    const worker = this.workers.reduce((a, b) => (b.sessions < a.sessions ? b : a));
    const key = this.nextKey++;
    const copy = new Uint8Array(bytes).buffer; // a copy of its own, transferred to the worker
    worker.sessions++;
    let reply: Reply;
    try {
      reply = await worker.call({ op: 'load', key, bytes: copy }, [copy]);
    } catch (e) {
      worker.sessions--;
      throw e;
    }
    return {
      inputs: reply.inputs!,
      outputs: reply.outputs as RawValueMetadata[],
      run: async (feeds, fetches) => {
        // The feeds are the call's own arrays: moved to the worker, not copied.
        const transfer = Object.values(feeds).flatMap((t) => (t.data.buffer instanceof ArrayBuffer ? [t.data.buffer] : []));
        const r = await worker.call({ op: 'run', key, feeds, fetches }, [...new Set(transfer)]);
        return { outputs: r.outputs as Record<string, RawTensor>, runMs: r.runMs! };
      },
      release: async () => {
        worker.sessions--;
        await worker.call({ op: 'release', key });
      },
    };
  }

  async close(): Promise<void> {
    for (const w of this.workers) w.closing = true;
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
