import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl, S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { HUB_CONFIG, ResolvedHubConfig } from '../config/hub-config';
import {
  ByteRange,
  CompletedPart,
  MultipartUploadSummary,
  ObjectChangedError,
  ObjectHead,
  ObjectStorage,
  ObjectSummary,
  PART_SIZE_METADATA,
} from './object-storage';
import { PerSecondMemo } from './per-second-memo';
import { createS3Client } from './s3-client.factory';

const CHECKSUM_HEADER = 'x-amz-checksum-sha256';
/** S3's limit for a single CopyObject; larger objects are copied part by part. */
const MAX_SINGLE_COPY_BYTES = 5 * 1024 ** 3;
const MAX_PARTS = 10_000;

interface S3Error {
  name?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}
const errorName = (err: unknown) => (err as S3Error)?.name ?? (err as S3Error)?.Code;
const httpStatus = (err: unknown) => (err as S3Error)?.$metadata?.httpStatusCode;
/** Servers that lack an operation (s3rver has no ListMultipartUploads or AbortMultipartUpload). */
const isUnsupported = (err: unknown) => errorName(err) === 'NotImplemented' || errorName(err) === 'MethodNotAllowed' || httpStatus(err) === 501;

@Injectable()
export class S3ObjectStorage extends ObjectStorage implements OnModuleDestroy {
  private readonly logger = new Logger('ObjectStorage');
  protected readonly client: S3Client;
  /** Signs the URLs handed to clients, which may reach the storage under another address. */
  protected readonly publicClient: S3Client;
  protected readonly bucket: string;
  private readonly warned = new Set<string>();

  constructor(@Inject(HUB_CONFIG) protected readonly config: ResolvedHubConfig) {
    super();
    this.client = createS3Client(config);
    this.publicClient = config.s3.publicEndpoint ? createS3Client(config, config.s3.publicEndpoint) : this.client;
    this.bucket = config.s3.bucket;
  }

  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch {
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket })).catch((err: { name?: string }) => {
        // Another replica may have created it in between.
        if (err.name !== 'BucketAlreadyOwnedByYou' && err.name !== 'BucketAlreadyExists') throw err;
      });
    }
  }

  async ping(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  async putObject(key: string, body: Buffer | Readable, size: number): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentLength: size }));
  }

  presignPut(key: string, opts: { expiresIn: number; contentLength?: number; sha256?: string }): Promise<string> {
    const checksum = opts.sha256 ? this.checksumHeaders(opts.sha256)?.[CHECKSUM_HEADER] : undefined;
    const command = new PutObjectCommand({ Bucket: this.bucket, Key: key, ContentLength: opts.contentLength, ChecksumSHA256: checksum });
    // A signed header, not a query parameter: the service then refuses a PUT whose bytes have another sha256.
    return getSignedUrl(this.publicClient, command, { expiresIn: opts.expiresIn, unhoistableHeaders: checksum ? new Set([CHECKSUM_HEADER]) : undefined });
  }

  override checksumHeaders(sha256: string): Record<string, string> | null {
    if (!this.config.s3.checksumSha256 || this.config.s3.embedded) return null;
    return { [CHECKSUM_HEADER]: Buffer.from(sha256, 'hex').toString('base64') };
  }

  /**
   * Download URLs are the hub's hottest signing (every `resolve`): the SDK's getSignedUrl builds a
   * presigner and runs the whole middleware stack per call, so the request shape (endpoint, path
   * or virtual-host style, signing region) is learnt once from one SDK-signed URL and one
   * presigner signs every later URL of that shape (a test checks they equal the SDK's).
   */
  async presignGet(key: string, opts: { expiresIn: number; filename?: string; range?: string }): Promise<string> {
    // A signed Range header is rare (no download route sends one today): the SDK signs it.
    if (opts.range) return this.presignGetWithSdk(key, opts);
    // Signed at the start of the current second, the time X-Amz-Date would carry anyway, so the
    // URL is the same for every resolve of this file in this second: signed once (storage/per-second-memo.ts).
    return this.downloadUrls.get(`${opts.expiresIn}\n${opts.filename ?? ''}\n${key}`, (second) => this.signGet(key, opts, new Date(second * 1000)));
  }

  private readonly downloadUrls = new PerSecondMemo<string>();

  private async signGet(key: string, opts: { expiresIn: number; filename?: string }, signingDate: Date): Promise<string> {
    const shape = await (this.getShape ??= this.learnGetShape());
    const query: Record<string, string> = { ...shape.query };
    if (opts.filename) query['response-content-disposition'] = contentDisposition(opts.filename);
    const signed = await shape.presigner.presign(
      { ...shape.request, path: shape.pathPrefix + key.split('/').map(encodeKeySegment).join('/'), query, headers: { host: shape.host } },
      { expiresIn: opts.expiresIn, signingRegion: shape.region, signingService: shape.service, signingDate },
    );
    const qs = Object.entries(signed.query ?? {})
      .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`)
      .join('&');
    return `${shape.origin}${signed.path}?${qs}`;
  }

  private getShape: Promise<GetShape> | null = null;

  private async learnGetShape(): Promise<GetShape> {
    const probe = new URL(await getSignedUrl(this.publicClient, new GetObjectCommand({ Bucket: this.bucket, Key: 'k' }), { expiresIn: 60 }));
    // X-Amz-Credential is <key id>/<date>/<region>/<service>/aws4_request.
    const [, , region, service] = (probe.searchParams.get('X-Amz-Credential') ?? '').split('/');
    return {
      presigner: new S3RequestPresigner({ ...this.publicClient.config, signingName: service, region: async () => region }),
      origin: `${probe.protocol}//${probe.host}`,
      host: probe.host,
      request: { method: 'GET', protocol: probe.protocol, hostname: probe.hostname, port: probe.port ? Number(probe.port) : undefined },
      pathPrefix: probe.pathname.slice(0, -'k'.length),
      query: Object.fromEntries([...probe.searchParams].filter(([name]) => !name.startsWith('X-Amz-'))),
      region,
      service,
    };
  }

  private presignGetWithSdk(key: string, opts: { expiresIn: number; filename?: string; range?: string }): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      Range: opts.range,
      ResponseContentDisposition: opts.filename ? contentDisposition(opts.filename) : undefined,
    });
    return getSignedUrl(this.publicClient, command, { expiresIn: opts.expiresIn });
  }

  async createMultipart(key: string, opts: { partSize?: number } = {}): Promise<string> {
    const Metadata = opts.partSize ? { [PART_SIZE_METADATA]: String(opts.partSize) } : undefined;
    const res = await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, Metadata }));
    if (!res.UploadId) throw new Error(`The storage returned no upload id for ${key}`);
    return res.UploadId;
  }

  async presignUploadPart(key: string, uploadId: string, partNumber: number, opts: { expiresIn: number }): Promise<string> {
    return (await this.presignUploadParts(key, uploadId, [partNumber], opts))[0];
  }

  /**
   * The SDK builds and signs the first part's request (endpoint, path or virtual-host style, key
   * encoding, signing region); the others differ only in `partNumber`, so copies of that request
   * are signed directly. getSignedUrl runs the whole middleware stack per call (1-2 ms), which
   * for the 8,000 parts of a 500 GiB file kept the batch call waiting for seconds.
   */
  async presignUploadParts(key: string, uploadId: string, partNumbers: number[], opts: { expiresIn: number }): Promise<string[]> {
    if (!partNumbers.length) return [];
    const signingDate = new Date();
    const first = await getSignedUrl(
      this.publicClient,
      new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumber: partNumbers[0] }),
      {
        expiresIn: opts.expiresIn,
        signingDate,
      },
    );
    if (partNumbers.length === 1) return [first];
    const template = new URL(first);
    // X-Amz-Credential is <key id>/<date>/<region>/<service>/aws4_request.
    const [, , region, service] = (template.searchParams.get('X-Amz-Credential') ?? '').split('/');
    const presigner = new S3RequestPresigner({ ...this.publicClient.config, signingName: service, region: async () => region });
    const query = Object.fromEntries([...template.searchParams].filter(([name]) => !name.startsWith('X-Amz-')));
    const urls = [first];
    for (const partNumber of partNumbers.slice(1)) {
      const signed = await presigner.presign(
        {
          method: 'PUT',
          protocol: template.protocol,
          hostname: template.hostname,
          port: template.port ? Number(template.port) : undefined,
          path: template.pathname,
          query: { ...query, partNumber: String(partNumber) },
          headers: { host: template.host },
        },
        { expiresIn: opts.expiresIn, signingDate, signingRegion: region, signingService: service },
      );
      const qs = Object.entries(signed.query ?? {})
        .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`)
        .join('&');
      urls.push(`${template.protocol}//${template.host}${template.pathname}?${qs}`);
    }
    return urls;
  }

  async completeMultipart(key: string, uploadId: string, parts: CompletedPart[]): Promise<void> {
    const sorted = [...parts].sort((a, b) => a.partNumber - b.partNumber);
    await this.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: sorted.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
      }),
    );
  }

  async abortMultipart(key: string, uploadId: string): Promise<void> {
    try {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }));
    } catch (err) {
      if (errorName(err) === 'NoSuchUpload' || httpStatus(err) === 404) return;
      if (isUnsupported(err))
        return this.warnOnce('abort', 'The S3 server cannot abort multipart uploads; their parts stay until its own cleanup removes them');
      throw err;
    }
  }

  async listMultipartUploads(prefix: string): Promise<MultipartUploadSummary[]> {
    const uploads: MultipartUploadSummary[] = [];
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    try {
      do {
        const res = await this.client.send(
          new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: prefix, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }),
        );
        for (const u of res.Uploads ?? []) {
          if (u.Key && u.UploadId) uploads.push({ key: u.Key, uploadId: u.UploadId, initiated: u.Initiated ?? new Date(0) });
        }
        keyMarker = res.IsTruncated ? res.NextKeyMarker : undefined;
        uploadIdMarker = res.IsTruncated ? res.NextUploadIdMarker : undefined;
      } while (keyMarker);
    } catch (err) {
      if (!isUnsupported(err)) throw err;
      this.warnOnce('list-uploads', 'The S3 server cannot list multipart uploads; only uploads the hub recorded are cleaned up');
      return [];
    }
    return uploads;
  }

  async head(key: string): Promise<ObjectHead | null> {
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: Number(res.ContentLength ?? 0), etag: res.ETag ?? '' };
    } catch (err) {
      if (errorName(err) === 'NotFound' || errorName(err) === 'NoSuchKey' || httpStatus(err) === 404) return null;
      throw err;
    }
  }

  async getStream(key: string, range?: ByteRange): Promise<{ body: Readable; etag: string; size: number }> {
    const res = await this.client.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range ? `bytes=${range.start}-${range.end ?? ''}` : undefined }),
    );
    return { body: res.Body as Readable, etag: res.ETag ?? '', size: Number(res.ContentLength ?? 0) };
  }

  async list(prefix: string): Promise<ObjectSummary[]> {
    const objects: ObjectSummary[] = [];
    let token: string | undefined;
    do {
      const res = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of res.Contents ?? []) {
        if (o.Key) objects.push({ key: o.Key, size: Number(o.Size ?? 0), lastModified: o.LastModified ?? new Date(0) });
      }
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
    return objects;
  }

  async copy(fromKey: string, toKey: string, opts: { ifMatch?: string } = {}): Promise<void> {
    const source = `${this.bucket}/${fromKey.split('/').map(encodeURIComponent).join('/')}`;
    try {
      const head = await this.head(fromKey);
      if (!head) throw Object.assign(new Error(`No object at ${fromKey}`), { name: 'NoSuchKey' });
      if (opts.ifMatch && head.etag && head.etag !== opts.ifMatch) throw new ObjectChangedError(fromKey);
      if (head.size <= MAX_SINGLE_COPY_BYTES) {
        await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: toKey, CopySource: source, CopySourceIfMatch: opts.ifMatch }));
      } else {
        await this.copyInParts(source, toKey, head.size, opts.ifMatch);
      }
    } catch (err) {
      if (errorName(err) === 'PreconditionFailed' || httpStatus(err) === 412) throw new ObjectChangedError(fromKey);
      throw err;
    }
  }

  /** CopyObject stops at 5 GiB: larger objects are copied range by range into a multipart upload. */
  private async copyInParts(source: string, toKey: string, size: number, ifMatch?: string): Promise<void> {
    const partSize = Math.max(512 * 1024 ** 2, Math.ceil(size / MAX_PARTS));
    const uploadId = await this.createMultipart(toKey);
    try {
      const parts: CompletedPart[] = [];
      for (let start = 0, partNumber = 1; start < size; start += partSize, partNumber++) {
        const end = Math.min(start + partSize, size) - 1;
        const res = await this.client.send(
          new UploadPartCopyCommand({
            Bucket: this.bucket,
            Key: toKey,
            UploadId: uploadId,
            PartNumber: partNumber,
            CopySource: source,
            CopySourceRange: `bytes=${start}-${end}`,
            CopySourceIfMatch: ifMatch,
          }),
        );
        parts.push({ partNumber, etag: res.CopyPartResult?.ETag ?? '' });
      }
      await this.completeMultipart(toKey, uploadId, parts);
    } catch (err) {
      await this.abortMultipart(toKey, uploadId).catch(() => undefined);
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  onModuleDestroy(): void {
    this.client.destroy();
    if (this.publicClient !== this.client) this.publicClient.destroy();
  }

  private warnOnce(what: string, message: string): void {
    if (this.warned.has(what)) return;
    this.warned.add(what);
    this.logger.warn(message);
  }
}

/** `attachment` with the name in both forms: plain ASCII for old clients, RFC 5987 for the rest. */
interface GetShape {
  presigner: S3RequestPresigner;
  origin: string;
  /** host[:port], the one signed header. */
  host: string;
  request: { method: 'GET'; protocol: string; hostname: string; port?: number };
  /** The path before the object key ('/bucket/' in path style, '/' with virtual hosts). */
  pathPrefix: string;
  /** Parameters the SDK adds to every GetObject URL (`x-id`). */
  query: Record<string, string>;
  region: string;
  service: string;
}

/** How the SDK writes a key segment in a URL path (RFC 3986: also !'()*). */
const encodeKeySegment = (segment: string) => encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
