import type { FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';

/** Signal states of a part being placed (read by PartHashWorker.follow). */
export const WRITING = 0;
export const LANDED = 1;
export const GIVEN_UP = 2;

/**
 * What a placed part tells the thread that hashes it as it lands, in shared memory: Int32 [state,
 * sequence (bumped at every change, to wait on)], then BigInt64 bytes written so far.
 */
export class PartSignal {
  readonly buffer = new SharedArrayBuffer(16);
  private readonly ints = new Int32Array(this.buffer, 0, 2);
  private readonly written = new BigInt64Array(this.buffer, 8, 1);

  wrote(bytes: number): void {
    Atomics.store(this.written, 0, BigInt(bytes));
    this.bump();
  }

  /** Landed (every byte is written) or given up; the first word counts. */
  settle(state: typeof LANDED | typeof GIVEN_UP): void {
    if (Atomics.compareExchange(this.ints, 0, WRITING, state) === WRITING) this.bump();
  }

  private bump(): void {
    Atomics.add(this.ints, 1, 1);
    Atomics.notify(this.ints, 1);
  }
}

/**
 * Writes a part's bytes in place, at its offset in the upload's assembled file, and never past
 * `limit` bytes (its slot: the next part's bytes start there). After each write has completed,
 * the bytes written so far are published to `signal`, so whatever reads them reads final bytes.
 */
export class PlacedPartSink extends Writable {
  private written = 0;

  constructor(
    private readonly file: FileHandle,
    private readonly offset: number,
    private readonly limit: number,
    private readonly signal: PartSignal,
  ) {
    super({ highWaterMark: 4 << 20 });
  }

  override _writev(chunks: { chunk: Buffer }[], callback: (err?: Error | null) => void): void {
    const buffers = chunks.map((c) => c.chunk);
    const length = buffers.reduce((sum, b) => sum + b.length, 0);
    if (this.written + length > this.limit) {
      callback(new Error(`A part placed in a slot of ${this.limit} bytes is longer than that`));
      return;
    }
    this.file.writev(buffers, this.offset + this.written).then(
      ({ bytesWritten }) => {
        if (bytesWritten !== length) return callback(new Error('Short write of a placed part'));
        this.written += length;
        this.signal.wrote(this.written);
        callback();
      },
      (err: Error) => callback(err),
    );
  }
}
