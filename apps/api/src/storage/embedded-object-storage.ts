import { Inject, Injectable } from '@nestjs/common';
import { HUB_CONFIG, ResolvedHubConfig } from '../config/hub-config';
import { HubLinks } from '../links/hub-links.service';
import { type ArrivalHash, ObjectChangedError } from './object-storage';
import { contentDisposition, S3ObjectStorage } from './s3-object-storage';
import { StorageUrlSigner } from './storage-url-signer';

/**
 * The storage port over the hub's own store (no S3_ENDPOINT). The hub talks to the store as to any
 * S3 server, over its private socket; the URLs handed to clients point at the hub's storage gateway
 * on the address the client called (or PUBLIC_URL), signed with a secret kept in the data folder,
 * so they work from other machines and across restarts.
 */
@Injectable()
export class EmbeddedObjectStorage extends S3ObjectStorage {
  private readonly signer: StorageUrlSigner;

  constructor(
    @Inject(HUB_CONFIG) config: ResolvedHubConfig,
    private readonly links: HubLinks,
  ) {
    super(config);
    this.signer = new StorageUrlSigner(config.s3.embedded!.urlSecret);
  }

  /** The store's files are renamed: promoting a verified 1 GiB upload takes no copy. */
  override async promote(fromKey: string, toKey: string, opts: { ifMatch?: string } = {}): Promise<void> {
    const head = await this.head(fromKey);
    if (!head) throw Object.assign(new Error(`No object at ${fromKey}`), { name: 'NoSuchKey' });
    if (opts.ifMatch && head.etag && head.etag !== opts.ifMatch) throw new ObjectChangedError(fromKey);
    await this.config.s3.embedded!.rename(this.bucket, fromKey, toKey);
  }

  /** Only while the object is still the version that was hashed. */
  override async hashedOnArrival(key: string): Promise<ArrivalHash | null> {
    const known = this.config.s3.embedded!.hashOf(this.bucket, key);
    if (!known) return null;
    const head = await this.head(key);
    return head && head.etag === known.etag && head.size === known.size ? known : null;
  }

  override async abortMultipart(key: string, uploadId: string): Promise<void> {
    void key;
    await this.config.s3.embedded!.abortUpload(this.bucket, uploadId);
  }

  override async presignPut(key: string, opts: { expiresIn: number; contentLength?: number; sha256?: string }): Promise<string> {
    return this.links.to(this.signer.sign('PUT', key, { 'content-length': opts.contentLength?.toString() }, opts.expiresIn));
  }

  override async presignGet(key: string, opts: { expiresIn: number; filename?: string; range?: string }): Promise<string> {
    const disposition = opts.filename ? contentDisposition(opts.filename) : undefined;
    return this.links.to(this.signer.sign('GET', key, { 'response-content-disposition': disposition, range: opts.range }, opts.expiresIn));
  }

  override async presignUploadParts(key: string, uploadId: string, partNumbers: number[], opts: { expiresIn: number }): Promise<string[]> {
    const origin = this.links.origin();
    const now = Date.now();
    return partNumbers.map((n) => origin + this.signer.sign('PUT', key, { uploadId, partNumber: String(n) }, opts.expiresIn, now));
  }
}
