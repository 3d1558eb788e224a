import type { OnnxWorkerPool, RawValueMetadata, WorkerSession } from './onnx-worker-pool';
import { oipDatatypeOf, type TensorSpec } from './tensor-codec';

export interface Signature {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

interface Entry {
  session: WorkerSession;
  signature: Signature;
  bytes: number;
  /** Calls using the session now: it is released only once they are done. */
  inUse: number;
  evicted: boolean;
}

/** onnxruntime keeps roughly the weights plus its graph and arena: the file size times this, as the memory estimate. */
const MEMORY_PER_FILE_BYTE = 1.5;

/**
 * The embedded backend's loaded sessions, least recently used first, bounded by a memory budget
 * (INFERENCE_MEMORY_MB). A session over the budget evicts the coldest ones that no call is
 * using; an evicted deployment is loaded again on its next call, transparently. Loads of one key
 * are shared by concurrent callers.
 */
export class OnnxSessionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Entry>>();

  constructor(
    private readonly budgetBytes: number,
    private readonly pool: OnnxWorkerPool,
  ) {}

  get usedBytes(): number {
    let sum = 0;
    for (const e of this.entries.values()) sum += e.bytes;
    return sum;
  }

  get size(): number {
    return this.entries.size;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Runs `use` with the key's session, loading it with `readModel` when it is not in memory. */
  async with<T>(key: string, readModel: () => Promise<Buffer>, use: (session: WorkerSession, signature: Signature) => Promise<T>): Promise<T> {
    const entry = await this.acquire(key, readModel);
    try {
      return await use(entry.session, entry.signature);
    } finally {
      entry.inUse--;
      if (entry.evicted && entry.inUse === 0) void entry.session.release().catch(() => undefined);
    }
  }

  /** Loads (or finds) the key's session and returns its signature. */
  async load(key: string, readModel: () => Promise<Buffer>): Promise<Signature> {
    return this.with(key, readModel, (_, signature) => Promise.resolve(signature));
  }

  evict(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    entry.evicted = true;
    if (entry.inUse === 0) void entry.session.release().catch(() => undefined);
  }

  async close(): Promise<void> {
    for (const key of [...this.entries.keys()]) this.evict(key);
    await Promise.allSettled(this.loading.values());
  }

  private async acquire(key: string, readModel: () => Promise<Buffer>): Promise<Entry> {
    let entry = this.entries.get(key);
    if (!entry) {
      let pending = this.loading.get(key);
      if (!pending) {
        pending = this.create(readModel).finally(() => this.loading.delete(key));
        this.loading.set(key, pending);
      }
      entry = await pending;
      if (!this.entries.has(key)) {
        this.entries.set(key, entry);
        this.shrink(key);
      }
    } else {
      // Map order is insertion order: re-inserting marks it most recently used.
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    entry.inUse++;
    return entry;
  }

  private async create(readModel: () => Promise<Buffer>): Promise<Entry> {
    const bytes = await readModel();
    const session = await this.pool.load(bytes);
    return { session, signature: signatureOf(session), bytes: Math.ceil(bytes.length * MEMORY_PER_FILE_BYTE), inUse: 0, evicted: false };
  }

  /** Evicts the least recently used sessions until the budget holds (never `keep`, the one just loaded). */
  private shrink(keep: string): void {
    for (const [key] of this.entries) {
      if (this.usedBytes <= this.budgetBytes) return;
      if (key !== keep) this.evict(key);
    }
  }
}

function signatureOf(session: WorkerSession): Signature {
  const spec = (m: RawValueMetadata): TensorSpec => {
    if (!m.isTensor || !m.type || !m.shape) throw new Error(`'${m.name}' is not a tensor: only tensor inputs and outputs can be served`);
    const datatype = oipDatatypeOf(m.type);
    if (!datatype) throw new Error(`'${m.name}' has element type ${m.type}, which the Open Inference Protocol cannot carry`);
    return { name: m.name, datatype, shape: m.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : -1)) };
  };
  return { inputs: session.inputs.map(spec), outputs: session.outputs.map(spec) };
}
