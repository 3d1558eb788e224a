import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Worker } from 'node:worker_threads';

/** Bodies from this size on are parsed off the event loop (smaller ones cost less than the hop). */
export const OFF_LOOP_JSON_BYTES = 64 * 1024;

// Parses a JSON infer request and hands each input's data back as a Float64Array when it is all
// numbers (nested arrays flattened row-major): transferred, so the event loop gets the tensor
// without parsing or copying it. Anything else (strings, booleans, a mix) stays as JSON gave it;
// the checks against the signature (tensor-codec.ts) run on the result either way.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ id, bytes, length }) => {
  try {
    const value = JSON.parse(Buffer.from(bytes, 0, length).toString('utf8'));
    const transfer = [];
    if (value && Array.isArray(value.inputs)) {
      for (const t of value.inputs) {
        if (!t || !Array.isArray(t.data) || t.data.length === 0) continue;
        const flat = t.data.some(Array.isArray) ? t.data.flat(Infinity) : t.data;
        if (!flat.every((v) => typeof v === 'number')) continue;
        const numbers = Float64Array.from(flat);
        t.data = numbers;
        transfer.push(numbers.buffer);
      }
    }
    parentPort.postMessage({ id, value }, transfer);
  } catch (e) {
    parentPort.postMessage({ id, error: String((e && e.message) || e) });
  }
});
`;

/**
 * One worker thread that parses large JSON infer requests, so that 27,648 numbers of an image
 * tensor (~5 ms of JSON.parse) do not hold the event loop (bench/README.md, "Inference"). One is
 * enough on these 2-core machines: the other core runs the model.
 */
@Injectable()
export class JsonParsePool implements OnModuleDestroy {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  /**
   * The parsed body; rejects with JSON.parse's message when it is not JSON. A body that owns its
   * whole memory (readLimitedBody's) is moved to the worker, so it is empty here afterwards; a
   * slice of a shared pool is copied first.
   */
  parse(body: Buffer): Promise<unknown> {
    const worker = this.started();
    const id = this.nextId++;
    const length = body.length;
    const owned = body.byteOffset === 0 && body.buffer instanceof ArrayBuffer && body.buffer.byteLength === length;
    const bytes = owned ? (body.buffer as ArrayBuffer) : new Uint8Array(body).buffer;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, bytes, length }, [bytes]);
    });
  }

  async onModuleDestroy(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    worker.on('message', (m: { id: number; value?: unknown; error?: string }) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error !== undefined) p?.reject(new Error(m.error));
      else p?.resolve(m.value);
    });
    const fail = (e: Error) => {
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
      if (this.worker === worker) this.worker = null;
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`The JSON parsing worker exited (${code})`)));
    this.worker = worker;
    return worker;
  }
}
