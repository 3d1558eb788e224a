import { BeforeApplicationShutdown, HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { IncomingHttpHeaders, RequestListener } from 'node:http';
import { STAGING_PREFIX } from '../blobs/blob-keys';
import { StreamedPut, UploadRepository } from '../blobs/upload.repository';
import { HubException } from '../common/hub-exception';
import { HUB_CONFIG, ResolvedHubConfig } from '../config/hub-config';
import { SignedMethod, SignedParams, StorageUrlSigner } from '../storage/storage-url-signer';
import { BODY_HASH, GatewayRequest, STASHED_CONTENT_TYPE } from './storage-gateway-body-bypass';

/** Request headers the store sees (everything else, Authorization, cookies and x-amz-* included, stays here). */
const FORWARDED_REQUEST = [
  'content-length',
  'content-type',
  'content-md5',
  'range',
  'if-match',
  'if-none-match',
  'if-modified-since',
  'if-unmodified-since',
  'if-range',
];

/**
 * The embedded store's door to clients: checks that the hub signed the URL (method, key, query,
 * expiry, bound length or range), then hands the request, rewritten to exactly the operation that
 * was signed, to the store's own HTTP handler in this process. The store streams the bytes to or
 * from the client's connection itself (Range and 206, ETag, Content-Length, Content-Type), with no
 * second hop or copy. Only GetObject/HeadObject, PutObject and UploadPart can be signed.
 *
 * A single upload's PUT is hashed on its way through (the body tap of the body bypass), and the
 * hash recorded on the upload when its last byte is stored, so the verifier need not read it back.
 */
@Injectable()
export class StorageGatewayProxy implements BeforeApplicationShutdown {
  private readonly signer: StorageUrlSigner;
  private readonly store: RequestListener;
  private readonly bucket: string;
  /** Transfers under way, cut at shutdown (clients resume a download with Range, retry a part). */
  private readonly transfers = new Set<Response>();
  private readonly logger = new Logger('StorageGateway');

  constructor(
    @Inject(HUB_CONFIG) config: ResolvedHubConfig,
    private readonly uploads: UploadRepository,
  ) {
    const embedded = config.s3.embedded!;
    this.signer = new StorageUrlSigner(embedded.urlSecret);
    this.store = embedded.handler;
    this.bucket = config.s3.bucket;
  }

  async serve(key: string, req: Request, res: Response): Promise<void> {
    const method: SignedMethod = req.method === 'PUT' ? 'PUT' : 'GET';
    const verdict = this.signer.verify(method, key, new URL(req.originalUrl, 'http://x').searchParams);
    if (!verdict.ok) throw HubException.forbidden(verdict.message, verdict.code);
    const headers = this.storeHeaders(req, verdict.params);
    const query = new URLSearchParams();
    if (verdict.params.uploadId) query.set('uploadId', verdict.params.uploadId);
    if (verdict.params.partNumber) query.set('partNumber', verdict.params.partNumber);
    req.url = `/${this.bucket}/${key.split('/').map(encodeURIComponent).join('/')}${query.size ? `?${query}` : ''}`;
    req.headers = headers;
    if (verdict.params['response-content-disposition']) res.setHeader('Content-Disposition', verdict.params['response-content-disposition']);
    const streamed = method === 'PUT' && !verdict.params.uploadId ? await this.beginStreamedPut(key) : null;
    const settle = streamed ? this.recordBeforeAnswer(req, res, streamed) : undefined;
    this.transfers.add(res);
    try {
      await new Promise<void>((resolve) => {
        res.once('close', resolve);
        this.store(req, res);
      });
    } finally {
      this.transfers.delete(res);
      await settle?.();
    }
  }

  /**
   * Records the PUT's outcome before the store's answer goes out, so a client that heard 200 and
   * asks for verification finds the hash recorded. Returns what ends the PUT if the store never
   * answered (a cut connection: nothing recorded).
   */
  private recordBeforeAnswer(req: Request, res: Response, put: StreamedPut): () => Promise<void> {
    let recorded: Promise<void> | undefined;
    // Not recorded (the database failed): the upload stays counted as in flight, so it is read back.
    const record = (sha256: string | null) => (recorded ??= this.uploads.endStreamedPut(put, sha256).catch((err) => this.logger.warn(`${err}`)));
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    res.end = ((...args: unknown[]) => {
      void record(this.storedHash(req, res, put)).then(() => end(...args));
      return res;
    }) as Response['end'];
    return () => record(null);
  }

  private async beginStreamedPut(key: string): Promise<StreamedPut | null> {
    if (!key.startsWith(STAGING_PREFIX)) return null;
    const put = await this.uploads.beginStreamedPut(key);
    if (put === 'closed') throw HubException.conflict('This upload is being verified or is over: its bytes can no longer change', 'upload_closed');
    return put;
  }

  /** The body's sha256, when all of it (the upload's size, no more, no less) was stored. */
  private storedHash(req: Request, res: Response, put: StreamedPut): string | null {
    const tap = (req as GatewayRequest)[BODY_HASH];
    if (!tap?.ended() || res.statusCode !== 200 || BigInt(tap.size()) !== put.size) return null;
    return tap.sha256();
  }

  /** The HTTP server's close() would otherwise wait for the slowest client's last byte. */
  beforeApplicationShutdown(): void {
    for (const res of this.transfers) res.destroy();
  }

  private storeHeaders(req: Request, params: SignedParams): IncomingHttpHeaders {
    // A plain host: the store would read any other as a virtual-hosted bucket name.
    const headers: IncomingHttpHeaders = { host: 'localhost' };
    const incoming: IncomingHttpHeaders = {
      ...req.headers,
      'content-type': (req as GatewayRequest)[STASHED_CONTENT_TYPE] ?? req.headers['content-type'],
    };
    for (const name of FORWARDED_REQUEST) if (incoming[name] !== undefined) headers[name] = incoming[name];
    // A URL bound to a length or a range is good for exactly that (as a signed header is on S3).
    if (params['content-length'] !== undefined && headers['content-length'] !== params['content-length']) {
      throw HubException.forbidden(`This upload URL is for exactly ${params['content-length']} bytes (Content-Length)`, 'invalid_signature');
    }
    if (params.range !== undefined && headers.range !== params.range) {
      throw HubException.forbidden(`This download URL is for the range ${params.range} only (Range header)`, 'invalid_signature');
    }
    if (req.method === 'PUT' && headers['content-length'] === undefined) {
      throw new HubException(HttpStatus.LENGTH_REQUIRED, 'length_required', 'Send Content-Length with the bytes');
    }
    return headers;
  }
}
