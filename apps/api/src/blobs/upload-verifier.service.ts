import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { HubException } from '../common/hub-exception';
import { ObjectChangedError, ObjectStorage } from '../storage/object-storage';
import { contentKey } from './blob-keys';
import { BlobRecord, BlobRepository } from './blob.repository';
import { UploadRecord, UploadRepository } from './upload.repository';

/** What was staged: its hash, size, and the ETag of the version hashed. */
interface StagedBytes {
  sha256: string;
  size: number;
  etag: string;
}

/**
 * Turns a staged upload into a blob: takes the hash the storage gateway recorded as the bytes
 * passed when that proves them, else reads the staged object back through a sha256 (streaming,
 * never buffering the file), checks size and hash, copies it to its content-addressed key and
 * records the Blob. The only way bytes a client uploaded become a Blob.
 */
@Injectable()
export class UploadVerifier {
  private readonly logger = new Logger('UploadVerifier');
  /** Staged objects read back and hashed by this process (tests and benchmarks check it stays 0 where the stream proved the hash). */
  readBacks = 0;

  constructor(
    private readonly storage: ObjectStorage,
    private readonly blobs: BlobRepository,
    private readonly uploads: UploadRepository,
  ) {}

  /**
   * Verifies an upload the caller has claimed (UploadRepository.claim) and whose bytes are
   * complete in the staging object. On a mismatch the staged object is deleted, the upload is
   * marked failed and 400 `blob_mismatch` is thrown; on an unexpected error the claim is released
   * so that the client can retry.
   */
  verifyClaimed(upload: UploadRecord): Promise<BlobRecord> {
    return this.uploads.keepClaimed(upload.id, () => this.verify(upload));
  }

  private async verify(upload: UploadRecord): Promise<BlobRecord> {
    try {
      const read = (await this.streamedHash(upload)) ?? (await this.readBack(upload));
      const { sha256, size } = read;
      if (sha256 !== upload.sha256 || BigInt(size) !== upload.size) {
        await this.reject(upload);
        throw HubException.badRequest(
          'blob_mismatch',
          `The uploaded bytes do not match object ${upload.sha256} (${upload.size} bytes): they are ${size} bytes with sha256 ${sha256}. Nothing was stored; upload the right bytes again.`,
        );
      }
      const blob = await this.blobs.withLock(upload.sha256, async (writer) => {
        const existing = await writer.find(upload.sha256);
        if (existing) {
          await writer.touch(upload.sha256);
          return existing;
        }
        // Only copy what was hashed: the copy fails if the staged object changed since.
        await this.storage.promote(upload.stagingKey, contentKey(upload.sha256), { ifMatch: read.etag || undefined });
        return writer.insertOrTouch({ sha256: upload.sha256, size: upload.size, storageKey: contentKey(upload.sha256), inlineData: null });
      });
      await this.uploads.finish(upload.id, 'completed');
      await this.storage.delete(upload.stagingKey).catch((err) => this.logger.warn(`Could not delete staged object ${upload.stagingKey}: ${err}`));
      return blob;
    } catch (err) {
      if (err instanceof ObjectChangedError) {
        await this.reject(upload);
        throw HubException.badRequest(
          'blob_mismatch',
          `The bytes of object ${upload.sha256} changed while the hub was verifying them. Nothing was stored; upload them again.`,
        );
      }
      if (!(err instanceof HubException && err.code === 'blob_mismatch')) await this.uploads.release(upload.id);
      throw err;
    }
  }

  /**
   * The hash taken as the bytes passed (embedded store), when it proves what is staged. A single
   * PUT's, recorded by the storage gateway: by a PUT that ran alone and was the last to start,
   * and none running now (the claim keeps new ones out). A multipart upload's, by the store as it
   * assembled the parts the completion named. Null: read the object back.
   */
  private async streamedHash(upload: UploadRecord): Promise<StagedBytes | null> {
    if (upload.multipartUploadId) return this.storage.hashedOnArrival(upload.stagingKey);
    if (!upload.streamedSha256 || upload.putsInFlight !== 0) return null;
    const head = await this.storage.head(upload.stagingKey);
    if (!head || BigInt(head.size) !== upload.size) return null;
    return { sha256: upload.streamedSha256, size: head.size, etag: head.etag };
  }

  /** Reads the staged object back through a sha256 (streaming, never buffering the file). */
  private async readBack(upload: UploadRecord): Promise<StagedBytes> {
    const read = await this.storage.getStream(upload.stagingKey).catch((err: unknown) => {
      if ((err as { name?: string }).name === 'NoSuchKey' || (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) {
        throw HubException.badRequest('blob_not_uploaded', `Object ${upload.sha256} has not been uploaded yet: PUT its bytes to the upload URL first`);
      }
      throw err;
    });
    this.readBacks++;
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of read.body as AsyncIterable<Buffer>) {
      hash.update(chunk);
      size += chunk.length;
    }
    return { sha256: hash.digest('hex'), size, etag: read.etag };
  }

  private async reject(upload: UploadRecord): Promise<void> {
    await this.storage.delete(upload.stagingKey).catch((err) => this.logger.warn(`Could not delete staged object ${upload.stagingKey}: ${err}`));
    await this.uploads.finish(upload.id, 'failed');
  }
}
