import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ArrivalHash } from '../storage/object-storage';
import { MultipartAssembler, multipartEtag, type PartPut, UploadRefusedError, type UploadState } from './multipart-assembler';
import { ASSEMBLED, CONCATENATED, clearRecord, exists, readRecord, recordPartFile, recordPlaced, type PartRecord } from './part-records';
import { PlacedPartSink } from './placed-part-sink';

/** The part of s3rver's filesystem store (3.7) these hooks replace or wrap. */
export interface FilesystemStore {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5?: string): Promise<void>;
  putPart(bucket: string, uploadId: string, partNumber: string, content: Readable): Promise<{ size: number; md5: string }>;
  putObjectMultipart(bucket: string, uploadId: string, parts: { number: number; etag: string }[]): Promise<{ size: number; md5: string }>;
  putObject(...args: unknown[]): Promise<unknown>;
  copyObject(srcBucket: string, srcKey: string, destBucket: string, destKey: string, ...rest: unknown[]): Promise<unknown>;
  deleteObject(bucket: string, key: string): Promise<unknown>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3Error = require('s3rver/lib/models/error') as new (code: string, message: string) => Error;
const s3Error = (err: unknown) => (err instanceof UploadRefusedError ? new S3Error(err.code, err.message) : err);
const noSuchUpload = () => new S3Error('NoSuchUpload', 'The specified upload does not exist. It may have been aborted or completed.');

/**
 * s3rver's multipart upload, made to complete without a concatenation or a second read: parts
 * are placed at their offset in one assembled file and hashed as they land (MultipartAssembler),
 * and a completion naming exactly those parts renames the file into place, with S3's multipart
 * ETag and its sha256 known. Any other completion concatenates the parts from wherever they lie,
 * hashing them on the way. An unknown upload is NoSuchUpload, a part not uploaded InvalidPart.
 * Returns where the sha256 of completed objects is found (any later write of the key forgets it)
 * and how to abort an upload.
 */
export function hookMultipartAssembly(store: FilesystemStore): {
  hashOf(bucket: string, key: string): ArrivalHash | null;
  forget(bucket: string, key: string): void;
  abort(bucket: string, uploadId: string): Promise<void>;
  sweep(root: string): Promise<void>;
  stop(): Promise<void>;
} {
  const assembler = new MultipartAssembler();
  const hashes = new Map<string, ArrivalHash>();
  const id = (bucket: string, key: string) => `${bucket}/${key}`;
  const forget = (bucket: string, key: string) => hashes.delete(id(bucket, key));
  const uploadDir = (bucket: string, uploadId: string) => path.join(store.getResourcePath(bucket, undefined, 'uploads'), path.basename(uploadId));
  /** The upload, if it is one: its `key` file is its existence (removed first when it ends). */
  const openUpload = async (dir: string): Promise<UploadState> => {
    if (!(await exists(path.join(dir, 'key')))) throw noSuchUpload();
    return assembler.open(dir).catch((err) => Promise.reject(s3Error(err)));
  };

  store.putPart = async (bucket, uploadId, partNumber, content) => {
    const dir = uploadDir(bucket, uploadId);
    const n = Number(partNumber);
    const state = await openUpload(dir);
    const declared = Number((content as IncomingMessage).headers?.['content-length'] ?? NaN);
    let put: PartPut;
    try {
      put = assembler.begin(state, n, Number.isSafeInteger(declared) ? declared : null);
    } catch (err) {
      throw s3Error(err);
    }
    const tmp = path.join(dir, `${n}.put-${randomBytes(6).toString('hex')}`);
    try {
      await assembler.serial(state, () => clearRecord(dir, n, put.placed !== null));
      const md5 = createHash('md5');
      let size = 0;
      const measure = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          md5.update(chunk);
          size += chunk.length;
          callback(null, chunk);
        },
      });
      if (put.placed) {
        const file = await fs.open(path.join(dir, ASSEMBLED), 'r+');
        try {
          await pipeline(content, measure, new PlacedPartSink(file, put.placed.offset, put.placed.limit, put.placed.signal));
        } finally {
          await file.close();
        }
      } else {
        await pipeline(content, measure, createWriteStream(tmp) as Writable);
      }
      const digest = md5.digest('hex');
      await assembler.serial(state, async () => {
        if (!assembler.isCurrent(state, put)) return;
        if (put.placed) await recordPlaced(dir, n, put.placed.offset, size, digest);
        else await recordPartFile(dir, n, tmp, digest);
        assembler.landed(state, put, digest, size);
      });
      // Aborted or completed meanwhile: what it wrote is of no upload.
      if (!(await exists(path.join(dir, 'key')))) throw noSuchUpload();
      return { size, md5: digest };
    } catch (err) {
      if (!(await exists(path.join(dir, 'key')))) throw noSuchUpload();
      throw err;
    } finally {
      assembler.ended(state, put);
      if (!put.placed) await fs.rm(tmp, { force: true });
    }
  };

  store.putObjectMultipart = async (bucket, uploadId, parts) => {
    const dir = uploadDir(bucket, uploadId);
    const sorted = [...parts].sort((a, b) => a.number - b.number);
    if (!sorted.length || sorted.some((p, i) => !Number.isSafeInteger(p.number) || p.number < 1 || p.number === sorted[i - 1]?.number)) {
      throw new S3Error('InvalidPartOrder', 'The list of parts was not in ascending order, or named a part twice.');
    }
    const state = await openUpload(dir);
    try {
      assembler.beginCompletion(state);
    } catch (err) {
      throw s3Error(err);
    }
    try {
      const [key, metadata] = await Promise.all([
        fs.readFile(path.join(dir, 'key'), 'utf8'),
        fs.readFile(path.join(dir, 'metadata'), 'utf8').then((m) => JSON.parse(m) as Record<string, string>),
      ]);
      const object =
        (await assembler.assembled(state, sorted)) ??
        (await concatenate(dir, await partsOf(state, sorted), (ranges, out) => assembler.concatenate(ranges, out)));
      if (object.file === path.join(dir, ASSEMBLED)) await fs.truncate(object.file, object.size);
      forget(bucket, key);
      const objectPath = store.getResourcePath(bucket, key, 'object');
      await fs.mkdir(path.dirname(objectPath), { recursive: true });
      await store.putMetadata(bucket, key, metadata, object.etag);
      // The bytes last: their presence is the object's. Then the upload is over (its `key` goes first).
      await fs.rename(object.file, objectPath);
      await fs.unlink(path.join(dir, 'key'));
      assembler.forget(dir);
      hashes.set(id(bucket, key), { sha256: object.sha256, size: object.size, etag: JSON.stringify(object.etag) });
      // Unlinking a GiB of parts takes a while, and nothing reads them any more: not before the answer.
      void fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
      return { size: object.size, md5: object.etag };
    } catch (err) {
      assembler.endCompletion(state);
      throw err;
    }
  };

  /** Where each named part lies, once every record write queued has run; InvalidPart for one not uploaded. */
  async function partsOf(state: UploadState, parts: { number: number; etag: string }[]): Promise<PartRecord[]> {
    await assembler.serial(state, async () => undefined);
    const records: PartRecord[] = [];
    for (const part of parts) {
      const record = await readRecord(state.dir, part.number);
      if (!record || record.md5 !== part.etag) {
        throw new S3Error('InvalidPart', `Part ${part.number} was not uploaded, or its ETag is not ${part.etag}.`);
      }
      records.push(record);
    }
    if (records.some((r) => r.placed) && !(await exists(path.join(state.dir, ASSEMBLED)))) throw noSuchUpload();
    return records;
  }

  const putObject = store.putObject.bind(store);
  store.putObject = (...args: unknown[]) => {
    const object = args[0] as { bucket: string; key: string };
    forget(object.bucket, object.key);
    return putObject(...args);
  };
  const copyObject = store.copyObject.bind(store);
  store.copyObject = (srcBucket, srcKey, destBucket, destKey, ...rest) => {
    forget(destBucket, destKey);
    return copyObject(srcBucket, srcKey, destBucket, destKey, ...rest);
  };
  const deleteObject = store.deleteObject.bind(store);
  store.deleteObject = (bucket, key) => {
    forget(bucket, key);
    return deleteObject(bucket, key);
  };

  /** AbortMultipartUpload (s3rver has none): the upload ends, its PUTs still running record nothing, its files go. */
  const abort = async (bucket: string, uploadId: string): Promise<void> => {
    const dir = uploadDir(bucket, uploadId);
    const ended = await fs.unlink(path.join(dir, 'key')).then(
      () => true,
      (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return false;
        throw err;
      },
    );
    assembler.forget(dir);
    if (ended) await fs.rm(dir, { recursive: true, force: true, maxRetries: 3 });
  };

  /** At start: folders of uploads that ended (no `key`) while a hub died before removing them. */
  const sweep = async (root: string): Promise<void> => {
    for (const bucket of await fs.readdir(root, { withFileTypes: true })) {
      if (!bucket.isDirectory()) continue;
      const uploads = store.getResourcePath(bucket.name, undefined, 'uploads');
      for (const upload of await fs.readdir(uploads).catch(() => [])) {
        if (!(await exists(path.join(uploads, upload, 'key')))) await fs.rm(path.join(uploads, upload), { recursive: true, force: true });
      }
    }
  };

  return { hashOf: (bucket, key) => hashes.get(id(bucket, key)) ?? null, forget, abort, sweep, stop: () => assembler.stop() };
}

/** The parts one after another into a new file of the upload, hashed on the way. */
async function concatenate(
  dir: string,
  records: PartRecord[],
  copy: (ranges: PartRecord[], out: string) => Promise<{ sha256: string; size: number }>,
): Promise<{ file: string; size: number; sha256: string; etag: string }> {
  const file = path.join(dir, CONCATENATED);
  const { sha256, size } = await copy(records, file);
  return { file, size, sha256, etag: multipartEtag(records.map((r) => r.md5)) };
}
