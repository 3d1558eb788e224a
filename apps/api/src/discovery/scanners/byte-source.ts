/** Bytes a scanner reads: ranged reads (headers, zip directories) and streams (pickles). */
export interface RandomAccessSource {
  readonly size: number;
  /** Exactly `length` bytes at `offset` (fewer only at the end of the data). */
  read(offset: number, length: number): Promise<Buffer>;
  /** The bytes from `offset`, `length` of them or to the end; abandon the iteration to stop reading. */
  stream(offset: number, length?: number): AsyncIterable<Buffer>;
}

/** A source over bytes already in memory (inline blobs, the contents of a commit's put). */
export class BufferSource implements RandomAccessSource {
  constructor(private readonly bytes: Buffer) {}

  get size(): number {
    return this.bytes.length;
  }

  async read(offset: number, length: number): Promise<Buffer> {
    return this.bytes.subarray(offset, offset + length);
  }

  async *stream(offset: number, length?: number): AsyncIterable<Buffer> {
    const end = length === undefined ? this.bytes.length : Math.min(this.bytes.length, offset + length);
    // Chunks, as a real stream would deliver them (scanners must not assume one buffer).
    for (let at = offset; at < end; at += 64 * 1024) yield this.bytes.subarray(at, Math.min(end, at + 64 * 1024));
  }
}

export class EndOfData extends Error {
  override name = 'EndOfData';
  constructor(readonly position: number) {
    super(`unexpected end of data at byte ${position}`);
  }
}

/** Sequential reads over a stream of chunks, with skips that never buffer what they skip. */
export class ByteReader {
  private readonly chunks: AsyncIterator<Buffer>;
  private buffer: Buffer = Buffer.alloc(0);
  private offset = 0;
  private ended = false;
  /** Bytes consumed so far. */
  position = 0;

  constructor(source: AsyncIterable<Buffer>) {
    this.chunks = source[Symbol.asyncIterator]();
  }

  private get available(): number {
    return this.buffer.length - this.offset;
  }

  /** Pulls chunks until `n` bytes are buffered or the data ends; returns what is available. */
  private async fill(n: number): Promise<number> {
    while (this.available < n && !this.ended) {
      const next = await this.chunks.next();
      if (next.done) {
        this.ended = true;
        break;
      }
      const rest = this.buffer.subarray(this.offset);
      this.buffer = rest.length ? Buffer.concat([rest, next.value]) : next.value;
      this.offset = 0;
    }
    return this.available;
  }

  /** The next byte without consuming it, or null at the end. */
  async peek(): Promise<number | null> {
    return (await this.fill(1)) ? this.buffer[this.offset] : null;
  }

  /** Up to `n` next bytes without consuming them (fewer at the end). */
  async peekBytes(n: number): Promise<Buffer> {
    const avail = await this.fill(n);
    return this.buffer.subarray(this.offset, this.offset + Math.min(n, avail));
  }

  async atEnd(): Promise<boolean> {
    return (await this.fill(1)) === 0;
  }

  async read(n: number): Promise<Buffer> {
    if ((await this.fill(n)) < n) throw new EndOfData(this.position + this.available);
    const out = this.buffer.subarray(this.offset, this.offset + n);
    this.offset += n;
    this.position += n;
    return out;
  }

  async byte(): Promise<number> {
    return (await this.read(1))[0];
  }

  /** Bytes up to (not including) the next `\n`, which is consumed; at most `max` bytes. */
  async line(max: number): Promise<Buffer> {
    for (let scanned = 0; ;) {
      const avail = await this.fill(scanned + 1);
      const nl = this.buffer.indexOf(0x0a, this.offset + scanned);
      if (nl >= 0 && nl < this.offset + avail) {
        const out = this.buffer.subarray(this.offset, nl);
        this.position += nl + 1 - this.offset;
        this.offset = nl + 1;
        return out;
      }
      if (avail === scanned || avail > max) {
        if (avail > max) throw new Error(`a line longer than ${max} bytes at byte ${this.position}`);
        throw new EndOfData(this.position + avail);
      }
      scanned = avail;
    }
  }

  async skip(n: number): Promise<void> {
    let left = n;
    while (left > 0) {
      if (!this.available && !(await this.fill(1))) throw new EndOfData(this.position);
      const step = Math.min(left, this.available);
      this.offset += step;
      this.position += step;
      left -= step;
    }
  }

  /** Stops the underlying stream (an S3 read is aborted). */
  async close(): Promise<void> {
    await this.chunks.return?.();
  }
}
