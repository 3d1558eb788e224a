import { createInflateRaw } from 'node:zlib';
import { Readable } from 'node:stream';
import type { RandomAccessSource } from './byte-source';

/**
 * Just enough of the ZIP format to find and read the pickles of a PyTorch checkpoint (torch.save's
 * default since 1.6 is a zip holding `<name>/data.pkl` and the tensor bytes): the end-of-central-
 * directory record (zip64 too, for checkpoints over 4 GiB), the central directory, and one entry's
 * bytes, all by ranged reads, so a 10 GB checkpoint costs a few small reads plus its pickle.
 */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflate; anything else cannot be read here. */
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

export class ZipError extends Error {
  override name = 'ZipError';
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_COMMENT = 0xffff;
/** Larger central directories are refused (a checkpoint has a handful of entries per tensor). */
const MAX_DIRECTORY_BYTES = 64 * 1024 * 1024;

export const isZip = (first4: Buffer) => first4.length >= 4 && (first4.readUInt32LE(0) === LOCAL || first4.readUInt32LE(0) === EOCD);

const big = (v: bigint, what: string) => {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipError(`${what} ${v} is out of range`);
  return Number(v);
};

export async function readZipDirectory(src: RandomAccessSource): Promise<ZipEntry[]> {
  const tailLength = Math.min(src.size, 22 + MAX_COMMENT + 20);
  const tailStart = src.size - tailLength;
  const tail = await src.read(tailStart, tailLength);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new ZipError('no end-of-central-directory record: not a complete zip file');
  let count = tail.readUInt16LE(at + 10);
  let dirSize = tail.readUInt32LE(at + 12);
  let dirOffset = tail.readUInt32LE(at + 16);
  if (count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) {
    const loc = at - 20;
    if (loc < 0 || tail.readUInt32LE(loc) !== ZIP64_LOCATOR) throw new ZipError('zip64 fields without a zip64 locator');
    const eocd64Offset = big(tail.readBigUInt64LE(loc + 8), 'zip64 record offset');
    const rec = await src.read(eocd64Offset, 56);
    if (rec.length < 56 || rec.readUInt32LE(0) !== ZIP64_EOCD) throw new ZipError('zip64 end-of-central-directory record not found');
    count = big(rec.readBigUInt64LE(32), 'entry count');
    dirSize = big(rec.readBigUInt64LE(40), 'directory size');
    dirOffset = big(rec.readBigUInt64LE(48), 'directory offset');
  }
  if (dirSize > MAX_DIRECTORY_BYTES) throw new ZipError(`central directory of ${dirSize} bytes is too large`);
  if (dirOffset + dirSize > src.size) throw new ZipError('central directory runs past the end of the file');
  const dir = await src.read(dirOffset, dirSize);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > dir.length || dir.readUInt32LE(p) !== CENTRAL) throw new ZipError(`central directory entry ${i} is malformed`);
    const method = dir.readUInt16LE(p + 10);
    let compressedSize = dir.readUInt32LE(p + 20);
    let uncompressedSize = dir.readUInt32LE(p + 24);
    const nameLength = dir.readUInt16LE(p + 28);
    const extraLength = dir.readUInt16LE(p + 30);
    const commentLength = dir.readUInt16LE(p + 32);
    let localHeaderOffset = dir.readUInt32LE(p + 42);
    const name = dir.subarray(p + 46, p + 46 + nameLength).toString('utf8');
    // Zip64 extended information: the 64-bit values of the fields that are 0xFFFFFFFF, in order.
    const extra = dir.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength);
    for (let e = 0; e + 4 <= extra.length;) {
      const id = extra.readUInt16LE(e);
      const size = extra.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        const next = () => {
          if (q + 8 > e + 4 + size) throw new ZipError(`zip64 extra field of '${name}' is short`);
          const v = big(extra.readBigUInt64LE(q), 'zip64 field');
          q += 8;
          return v;
        };
        if (uncompressedSize === 0xffffffff) uncompressedSize = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = next();
      }
      e += 4 + size;
    }
    entries.push({ name, method, compressedSize, uncompressedSize, localHeaderOffset });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The entry's uncompressed bytes, as a stream (deflate is inflated on the way). */
export async function zipEntryStream(src: RandomAccessSource, entry: ZipEntry): Promise<AsyncIterable<Buffer>> {
  const header = await src.read(entry.localHeaderOffset, 30);
  if (header.length < 30 || header.readUInt32LE(0) !== LOCAL) throw new ZipError(`local header of '${entry.name}' not found`);
  const dataStart = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  if (dataStart + entry.compressedSize > src.size) throw new ZipError(`'${entry.name}' runs past the end of the file`);
  const raw = src.stream(dataStart, entry.compressedSize);
  if (entry.method === 0) return raw;
  if (entry.method === 8) return Readable.from(raw).pipe(createInflateRaw());
  throw new ZipError(`'${entry.name}' uses compression method ${entry.method}, which the scanner cannot read`);
}
