import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { HubException } from '../common/hub-exception';
import { HUB_CONFIG, ResolvedHubConfig } from '../config/hub-config';
import { BufferSource, RandomAccessSource } from '../discovery/scanners/byte-source';
import { StorageSource } from '../discovery/scanners/storage-source';
import type { DownloadPermit } from '../models/download-permit';
import { gitBlobId } from '../repo-history/git-oid';
import { ObjectStorage } from '../storage/object-storage';
import { contentKey, SHA256_HEX } from './blob-keys';
import { BlobRecord, BlobRepository } from './blob.repository';
import { isClaimLive, UploadRecord, UploadRepository } from './upload.repository';
import { UploadVerifier } from './upload-verifier.service';

/** Where a blob's bytes are. Inline blobs live in PostgreSQL (`readInline`), the rest in the bucket. */
export interface BlobRef {
  sha256: string;
  size: bigint;
  storageKey: string | null;
  inline: boolean;
}

const toRef = (b: BlobRecord): BlobRef => ({ sha256: b.sha256, size: b.size, storageKey: b.storageKey, inline: b.inline });

/** storeBytesMany writes inline blobs in statements of at most this many rows and bytes. */
const STORE_MANY_BATCH_ROWS = 1000;
const STORE_MANY_BATCH_BYTES = 16 * 1024 * 1024;
/** ...and puts larger ones into the bucket this many at a time. */
const STORE_MANY_CONCURRENCY = 8;

/** How long `requireStored` waits for another request that is verifying the same upload. */
const CONCURRENT_VERIFICATION_WAIT_MS = 60_000;

/** A programming error, not a refusal: the route asked for bytes its download decision did not cover. */
function assertCovered(permit: DownloadPermit, sha256: string): void {
  if (!permit.covers(sha256)) throw new Error(`The download permit for model ${permit.modelId} does not cover blob ${sha256}`);
}

const notUploaded = (sha256: string) =>
  HubException.badRequest(
    'blob_not_uploaded',
    `Object ${sha256} has not been uploaded to this model: upload it through the LFS batch API (POST /{namespace}/{name}.git/info/lfs/objects/batch) before committing it`,
  );

/**
 * Content-addressed blobs (see docs/registry-internals.md). The same bytes are stored once,
 * however many files, commits and models use them; a Blob row exists only for bytes the hub has
 * received itself or read back and hashed.
 */
@Injectable()
export class BlobService {
  constructor(
    @Inject(HUB_CONFIG) private readonly config: ResolvedHubConfig,
    private readonly storage: ObjectStorage,
    private readonly blobs: BlobRepository,
    private readonly uploads: UploadRepository,
    private readonly verifier: UploadVerifier,
  ) {}

  /**
   * Stores bytes the hub received itself (a file sent inline in a commit): in PostgreSQL up to
   * INLINE_BLOB_MAX_BYTES, in the bucket above. Bytes already stored are not stored again.
   */
  async storeBytes(bytes: Buffer): Promise<BlobRef> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const size = BigInt(bytes.length);
    const gitOid = gitBlobId(bytes);
    if (bytes.length <= this.config.blobs.inlineMaxBytes) {
      return toRef(await this.blobs.insertOrTouch({ sha256, size, storageKey: null, inlineData: bytes, gitOid }));
    }
    const blob = await this.blobs.withLock(sha256, async (writer) => {
      const existing = await writer.find(sha256);
      // Known bytes are not stored again; the row learns their git id if it lacked it.
      if (existing) return writer.insertOrTouch({ sha256, size, storageKey: existing.storageKey, inlineData: null, gitOid });
      await this.storage.putObject(contentKey(sha256), bytes, bytes.length);
      return writer.insertOrTouch({ sha256, size, storageKey: contentKey(sha256), inlineData: null, gitOid });
    });
    return toRef(blob);
  }

  /**
   * storeBytes for many contents at once (a commit's inline files): the small ones in a few
   * statements, the others one by one. Returns one ref per content, in order.
   */
  async storeBytesMany(contents: Buffer[]): Promise<BlobRef[]> {
    const shas = contents.map((c) => createHash('sha256').update(c).digest('hex'));
    const refs = new Map<string, BlobRef>();
    const inline = new Map<string, Buffer>();
    contents.forEach((c, i) => c.length <= this.config.blobs.inlineMaxBytes && inline.set(shas[i], c));
    let batch: { sha256: string; data: Buffer; gitOid: string }[] = [];
    let batchBytes = 0;
    const flush = async () => {
      for (const blob of await this.blobs.insertOrTouchInlineMany(batch)) refs.set(blob.sha256, toRef(blob));
      batch = [];
      batchBytes = 0;
    };
    for (const [sha256, data] of inline) {
      batch.push({ sha256, data, gitOid: gitBlobId(data) });
      batchBytes += data.length;
      if (batch.length >= STORE_MANY_BATCH_ROWS || batchBytes >= STORE_MANY_BATCH_BYTES) await flush();
    }
    await flush();
    const large = [...new Map(contents.map((c, i) => [shas[i], c] as const)).entries()].filter(([sha]) => !refs.has(sha));
    for (let i = 0; i < large.length; i += STORE_MANY_CONCURRENCY) {
      const stored = await Promise.all(large.slice(i, i + STORE_MANY_CONCURRENCY).map(([, content]) => this.storeBytes(content)));
      for (const ref of stored) refs.set(ref.sha256, ref);
    }
    return shas.map((sha) => refs.get(sha)!);
  }

  /**
   * The blob a commit names, for a commit to `ctx.modelId`. It must be bytes this model may use:
   * already in one of its commits, or uploaded (and verified) for it, or vouched for by the batch
   * API because the uploader could read another model holding them. A pending upload of those
   * bytes to this model is verified now. Knowing a hash alone never gets a blob: 400
   * `blob_not_uploaded`; bytes that do not match: 400 `blob_mismatch`.
   */
  async requireStored(sha256: string, size: bigint | undefined, ctx: { modelId: string; userId?: string }): Promise<BlobRef> {
    if (!SHA256_HEX.test(sha256)) {
      throw HubException.badRequest('invalid_oid', `'${sha256}' is not a sha256: expected 64 lower-case hexadecimal characters`);
    }
    const usable = await this.usableBlob(sha256, ctx.modelId);
    if (usable) {
      this.checkSize(usable, size);
      await this.blobs.touch(sha256);
      return toRef(usable);
    }
    // A pending upload: verified now, or by the concurrent request that already claimed it.
    const verified = (await this.verifyPendingUpload(sha256, ctx)) ?? (await this.usableBlob(sha256, ctx.modelId));
    if (!verified) throw notUploaded(sha256);
    this.checkSize(verified, size);
    return toRef(verified);
  }

  /** The first `maxBytes` of a blob the permit covers, for content shown to a caller (a proposal's diff). */
  async readPrefixFor(permit: DownloadPermit, sha256: string, maxBytes: number): Promise<Buffer | null> {
    assertCovered(permit, sha256);
    return this.readPrefix(sha256, maxBytes);
  }

  /** Where a blob's bytes are (null: no such blob), for the hub's own readers (scans, diffs). */
  locate(sha256: string): Promise<BlobRecord | null> {
    return this.blobs.find(sha256);
  }

  /**
   * Whether `userId` sent these bytes to this model themselves (a verified upload of theirs), as
   * opposed to naming bytes the model already holds: what a proposer who may not download the
   * model must show for every LFS object of their proposal.
   */
  uploadedBy(sha256: string, modelId: string, userId: string): Promise<boolean> {
    return this.uploads.hasCompletedBy(sha256.toLowerCase(), modelId, userId);
  }

  /** The bytes of an inline blob, for a download the permit covers (see DownloadPermit). */
  async readInline(permit: DownloadPermit, sha256: string): Promise<Buffer> {
    assertCovered(permit, sha256);
    const bytes = await this.blobs.readInline(sha256);
    if (!bytes) throw new Error(`Blob ${sha256} is marked inline but has no inline data`);
    return bytes;
  }

  /**
   * The first `maxBytes` of a blob, wherever it is stored (null: no such blob): for small texts
   * read by the hub itself, such as a model card committed through LFS.
   */
  async readPrefix(sha256: string, maxBytes: number): Promise<Buffer | null> {
    const blob = await this.blobs.find(sha256);
    if (!blob) return null;
    if (!blob.storageKey) return this.blobs.readInline(sha256);
    if (blob.size === 0n || maxBytes <= 0) return Buffer.alloc(0);
    const end = Number(blob.size < BigInt(maxBytes) ? blob.size : BigInt(maxBytes)) - 1;
    const { body } = await this.storage.getStream(blob.storageKey, { start: 0, end });
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /** Ranged reads of a blob the permit covers, wherever it is stored (a dataset preview reads a Parquet footer and a row group, not the file). */
  async sourceFor(permit: DownloadPermit, blob: BlobRef): Promise<RandomAccessSource> {
    if (!blob.storageKey) return new BufferSource(await this.readInline(permit, blob.sha256));
    assertCovered(permit, blob.sha256);
    return new StorageSource(this.storage, blob.storageKey, Number(blob.size));
  }

  /** A short-lived URL the client downloads the bytes from (the bucket, or a CDN in front of it), for a download the permit covers. */
  async presignDownload(permit: DownloadPermit, blob: BlobRef, opts: { filename?: string; range?: string } = {}): Promise<string> {
    assertCovered(permit, blob.sha256);
    if (!blob.storageKey) throw new Error(`Blob ${blob.sha256} is stored inline: serve it with readInline`);
    return this.storage.presignGet(blob.storageKey, { expiresIn: this.config.presignedUrlTtlSeconds, filename: opts.filename, range: opts.range });
  }

  /** The blob, if this model may use it without uploading: it holds it already, or it was uploaded (or vouched for) for it. */
  private async usableBlob(sha256: string, modelId: string): Promise<BlobRecord | null> {
    const blob = await this.blobs.find(sha256);
    if (!blob) return null;
    return (await this.uploads.hasCompleted(sha256, modelId)) || (await this.blobs.isReferencedByModel(sha256, modelId)) ? blob : null;
  }

  /**
   * Verifies the newest pending upload of these bytes to the model whose staged object exists.
   * When another request is verifying it already, waits for that one's outcome.
   */
  private async verifyPendingUpload(sha256: string, ctx: { modelId: string; userId?: string }): Promise<BlobRecord | null> {
    for (const upload of await this.uploads.findPending(sha256, ctx.modelId, ctx.userId)) {
      if (isClaimLive(upload)) return this.awaitVerification(upload);
      if (upload.multipartUploadId) continue; // verified by its completion call
      if (!(await this.storage.head(upload.stagingKey))) continue; // the client never PUT it
      const claimed = await this.uploads.claim(upload.id);
      return claimed ? this.verifier.verifyClaimed(claimed) : this.awaitVerification(upload);
    }
    return null;
  }

  private async awaitVerification(upload: UploadRecord): Promise<BlobRecord | null> {
    const deadline = Date.now() + CONCURRENT_VERIFICATION_WAIT_MS;
    while (Date.now() < deadline) {
      const current = await this.uploads.findById(upload.id);
      if (current?.status === 'completed') return this.blobs.find(upload.sha256);
      if (current?.status === 'failed') {
        throw HubException.badRequest(
          'blob_mismatch',
          `The uploaded bytes do not match object ${upload.sha256}. Nothing was stored; upload the right bytes again.`,
        );
      }
      if (!current || current.status === 'aborted' || !isClaimLive(current)) return null;
      await sleep(200);
    }
    throw HubException.conflict(`Object ${upload.sha256} is still being verified by another request; retry in a moment`, 'blob_verification_in_progress');
  }

  private checkSize(blob: BlobRecord, size: bigint | undefined): void {
    if (size !== undefined && blob.size !== size) {
      throw HubException.badRequest('blob_mismatch', `Object ${blob.sha256} is ${blob.size} bytes, not ${size}`);
    }
  }
}
