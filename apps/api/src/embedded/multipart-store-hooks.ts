import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ArrivalHash } from '../storage/object-storage';
import { MultipartAssembler } from './multipart-assembler';

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

/**
 * Makes s3rver's multipart completion cheap: parts are assembled and hashed as they land
 * (MultipartAssembler), and a completion whose part list is what was assembled renames the
 * assembled file into place, with S3's multipart ETag (md5 of the parts' md5s, `-N`), instead of
 * concatenating and md5-ing every part. Any other completion is s3rver's own. Returns where the
 * sha256 of objects completed so is found; any later write of the key forgets it.
 */
export function hookMultipartAssembly(store: FilesystemStore): {
  hashOf(bucket: string, key: string): ArrivalHash | null;
  forget(bucket: string, key: string): void;
  stop(): Promise<void>;
} {
  const assembler = new MultipartAssembler();
  const hashes = new Map<string, ArrivalHash>();
  const id = (bucket: string, key: string) => `${bucket}/${key}`;
  const forget = (bucket: string, key: string) => hashes.delete(id(bucket, key));
  const uploadDir = (bucket: string, uploadId: string) => path.join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId);

  // s3rver's own answers once its md5 stream ends, before the part file is flushed; this waits for the file,
  // and tells the assembler when a part starts, lands or fails.
  store.putPart = async (bucket, uploadId, partNumber, content) => {
    const dir = uploadDir(bucket, uploadId);
    const n = Number(partNumber);
    const file = path.join(dir, String(n));
    await fs.mkdir(dir, { recursive: true });
    const output = createWriteStream(file);
    // Opened (so emptied) before the PUT counts as started: what is read of the file from then on is its bytes.
    await once(output, 'open');
    const generation = assembler.partStarted(dir, n);
    const md5 = createHash('md5');
    let size = 0;
    const measure = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        md5.update(chunk);
        size += chunk.length;
        callback(null, chunk);
      },
    });
    try {
      await pipeline(content, measure, output);
    } catch (err) {
      assembler.partFailed(dir, n, generation);
      throw err;
    }
    const digest = md5.digest('hex');
    await fs.writeFile(`${file}.md5`, digest);
    assembler.partLanded(dir, n, generation, digest, size);
    return { size, md5: digest };
  };

  const concatenate = store.putObjectMultipart.bind(store);
  store.putObjectMultipart = async (bucket, uploadId, parts) => {
    const dir = uploadDir(bucket, uploadId);
    const assembled = await assembler.complete(dir, parts);
    if (!assembled) return concatenate(bucket, uploadId, parts);
    const [key, metadata] = await Promise.all([
      fs.readFile(path.join(dir, 'key'), 'utf8'),
      fs.readFile(path.join(dir, 'metadata'), 'utf8').then((m) => JSON.parse(m) as Record<string, string>),
    ]);
    forget(bucket, key);
    const objectPath = store.getResourcePath(bucket, key, 'object');
    await fs.mkdir(path.dirname(objectPath), { recursive: true });
    await store.putMetadata(bucket, key, metadata, assembled.etag);
    // The bytes last: their presence is the object's.
    await fs.rename(assembled.file, objectPath);
    hashes.set(id(bucket, key), { sha256: assembled.sha256, size: assembled.size, etag: JSON.stringify(assembled.etag) });
    // Unlinking a GiB of parts takes a while, and nothing reads them any more: not before the answer.
    void fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
    return { size: assembled.size, md5: assembled.etag };
  };

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

  return { hashOf: (bucket, key) => hashes.get(id(bucket, key)) ?? null, forget, stop: () => assembler.stop() };
}
