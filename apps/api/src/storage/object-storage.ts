import type { Readable } from 'node:stream';

/** What `head` knows about a stored object. */
export interface ObjectHead {
  size: number;
  /** The server's ETag, quotes included (as S3 sends it). */
  etag: string;
}

/** The sha256 of an object's bytes, known without reading them, and the size and ETag (quoted) of the version hashed. */
export interface ArrivalHash {
  sha256: string;
  size: number;
  etag: string;
}

/** A listed object (for sweeps of staging areas). */
export interface ObjectSummary {
  key: string;
  size: number;
  lastModified: Date;
}

/** A multipart upload the server still holds (for stale-upload cleanup). */
export interface MultipartUploadSummary {
  key: string;
  uploadId: string;
  initiated: Date;
}

/** One uploaded part, as CompleteMultipartUpload wants it. */
export interface CompletedPart {
  partNumber: number;
  etag: string;
}

/** An inclusive byte range, as in an HTTP `Range: bytes=start-end` header. */
export interface ByteRange {
  start: number;
  /** Inclusive; omitted: to the end of the object. */
  end?: number;
}

/** Raised when a copy's `ifMatch` precondition fails: the source changed since it was read. */
export class ObjectChangedError extends Error {
  constructor(readonly key: string) {
    super(`Object ${key} changed while it was being copied`);
    this.name = 'ObjectChangedError';
  }
}

/**
 * The storage port: everything the hub asks of object storage. The S3 adapter implements it, and
 * the embedded adapter (no S3_ENDPOINT) whose presigned URLs are signed URLs of the hub's storage
 * gateway; services depend on this class only. Presigned URLs are for clients, so they use the
 * public endpoint (S3_PUBLIC_ENDPOINT) when one is configured; every other call uses the internal one.
 */
/** The upload metadata (`x-amz-meta-hub-part-size`) that declares a multipart upload's part size. */
export const PART_SIZE_METADATA = 'hub-part-size';

export abstract class ObjectStorage {
  /** Creates the bucket when it does not exist yet. */
  abstract ensureBucket(): Promise<void>;
  /** Throws when the storage cannot be reached. */
  abstract ping(): Promise<void>;

  /** Stores `body` (a buffer, or a stream of exactly `size` bytes) at `key`. */
  abstract putObject(key: string, body: Buffer | Readable, size: number): Promise<void>;
  /**
   * A URL the client PUTs the bytes to. With `contentLength`, the length is part of the signature
   * (servers that check signatures then refuse any other length); with `sha256` and
   * `checksumHeaders` answering, so is the checksum the client must send.
   */
  abstract presignPut(key: string, opts: { expiresIn: number; contentLength?: number; sha256?: string }): Promise<string>;
  /**
   * The headers a client must send with a PUT to `presignPut(key, opts)` for the storage itself
   * to prove the bytes' sha256, or null when it cannot (then the hub reads the object back).
   */
  checksumHeaders(sha256: string): Record<string, string> | null {
    void sha256;
    return null;
  }
  /**
   * A URL the client GETs the bytes from. `filename` sets Content-Disposition on the answer.
   * S3 honours a `Range` header on any presigned GET; `range` additionally binds the URL to
   * that exact header value (it becomes a signed header).
   */
  abstract presignGet(key: string, opts: { expiresIn: number; filename?: string; range?: string }): Promise<string>;

  /**
   * Starts a multipart upload; returns its upload id. `partSize`, the size of every part but the
   * last, is kept with the upload (metadata PART_SIZE_METADATA): the embedded store then
   * writes each part in place in the object as it lands.
   */
  abstract createMultipart(key: string, opts?: { partSize?: number }): Promise<string>;
  /** A URL the client PUTs one part to (parts are numbered from 1); the answer's ETag names it. */
  abstract presignUploadPart(key: string, uploadId: string, partNumber: number, opts: { expiresIn: number }): Promise<string>;
  /** `presignUploadPart` for many parts at once (a 500 GiB file has thousands), in the order given. */
  abstract presignUploadParts(key: string, uploadId: string, partNumbers: number[], opts: { expiresIn: number }): Promise<string[]>;
  abstract completeMultipart(key: string, uploadId: string, parts: CompletedPart[]): Promise<void>;
  /** Frees the parts of an unfinished upload. An upload that no longer exists is not an error. */
  abstract abortMultipart(key: string, uploadId: string): Promise<void>;
  /** Unfinished multipart uploads under `prefix` ([] when the server cannot list them). */
  abstract listMultipartUploads(prefix: string): Promise<MultipartUploadSummary[]>;

  /** Size and ETag, or null when there is no such object. */
  abstract head(key: string): Promise<ObjectHead | null>;
  /**
   * The object's bytes as a stream (never buffered), and the ETag of the version being read.
   * Throws when the object does not exist.
   */
  abstract getStream(key: string, range?: ByteRange): Promise<{ body: Readable; etag: string; size: number }>;
  /** Objects under `prefix`, all pages. */
  abstract list(prefix: string): Promise<ObjectSummary[]>;
  /**
   * Server-side copy. With `ifMatch`, the copy happens only while the source still has that ETag
   * (ObjectChangedError otherwise), so what is copied is what was read.
   */
  abstract copy(fromKey: string, toKey: string, opts?: { ifMatch?: string }): Promise<void>;
  /**
   * `copy`, for a source that is deleted afterwards: a store that can move an object without
   * copying its bytes does so (the source is then gone).
   */
  promote(fromKey: string, toKey: string, opts?: { ifMatch?: string }): Promise<void> {
    return this.copy(fromKey, toKey, opts);
  }
  /**
   * The sha256 the store took of the object's bytes as they arrived (the embedded store's
   * multipart completion), with the size and ETag of the version it is of; null when unknown.
   */
  async hashedOnArrival(key: string): Promise<ArrivalHash | null> {
    void key;
    return null;
  }
  /** Deletes the object; a missing object is not an error. */
  abstract delete(key: string): Promise<void>;
}
