import type { Readable } from 'node:stream';
import type { ObjectStorage } from '../../storage/object-storage';
import type { RandomAccessSource } from './byte-source';

/** A stored object read by ranged GETs: scanners fetch headers and directories, never whole weights. */
export class StorageSource implements RandomAccessSource {
  constructor(
    private readonly storage: ObjectStorage,
    private readonly key: string,
    readonly size: number,
  ) {}

  async read(offset: number, length: number): Promise<Buffer> {
    const end = Math.min(this.size, offset + length) - 1;
    if (end < offset) return Buffer.alloc(0);
    const chunks: Buffer[] = [];
    for await (const chunk of this.stream(offset, end - offset + 1)) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  async *stream(offset: number, length?: number): AsyncIterable<Buffer> {
    const end = length === undefined ? this.size - 1 : Math.min(this.size, offset + length) - 1;
    if (end < offset) return;
    const { body } = await this.storage.getStream(this.key, { start: offset, end });
    try {
      for await (const chunk of body as Readable) yield chunk as Buffer;
    } finally {
      // Abandoned early (a scanner that has seen enough): stop the download.
      (body as Readable).destroy();
    }
  }
}
