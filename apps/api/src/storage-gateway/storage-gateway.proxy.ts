import { HttpStatus, Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { Request, Response } from 'express';
import http, { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { HubException } from '../common/hub-exception';
import { HUB_CONFIG, ResolvedHubConfig } from '../config/hub-config';
import { SignedMethod, SignedParams, StorageUrlSigner } from '../storage/storage-url-signer';
import { UnixSocketAgent } from '../storage/unix-socket-agent';
import { STASHED_CONTENT_TYPE } from './storage-gateway-body-bypass';

/** Request headers the store sees (everything else, Authorization and cookies included, stays here). */
const FORWARDED_REQUEST = ['content-length', 'content-type', 'content-md5', 'range', 'if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since', 'if-range'];
/** Response headers the client sees. */
const FORWARDED_RESPONSE = ['content-length', 'content-type', 'content-range', 'accept-ranges', 'etag', 'last-modified'];

/**
 * The embedded store's door to clients: checks that the hub signed the URL (method, key, query,
 * expiry), then streams the request to the store over its private socket and the answer back,
 * without buffering either body. Only GetObject/HeadObject, PutObject and UploadPart get through.
 */
@Injectable()
export class StorageGatewayProxy implements OnModuleDestroy {
  private readonly signer: StorageUrlSigner;
  private readonly agent: UnixSocketAgent;
  private readonly bucket: string;

  constructor(@Inject(HUB_CONFIG) config: ResolvedHubConfig) {
    const embedded = config.s3.embedded!;
    this.signer = new StorageUrlSigner(embedded.urlSecret);
    this.agent = new UnixSocketAgent(embedded.socketPath);
    this.bucket = config.s3.bucket;
  }

  async serve(key: string, req: Request, res: Response): Promise<void> {
    const method: SignedMethod = req.method === 'PUT' ? 'PUT' : 'GET';
    const verdict = this.signer.verify(method, key, new URL(req.originalUrl, 'http://x').searchParams);
    if (!verdict.ok) throw HubException.forbidden(verdict.message, verdict.code);
    const headers = this.requestHeaders(req, verdict.params);
    const query = new URLSearchParams();
    if (verdict.params.uploadId) query.set('uploadId', verdict.params.uploadId);
    if (verdict.params.partNumber) query.set('partNumber', verdict.params.partNumber);
    const path = `/${this.bucket}/${key.split('/').map(encodeURIComponent).join('/')}${query.size ? `?${query}` : ''}`;

    const upstream = http.request({ agent: this.agent, host: 'localhost', method: req.method, path, headers });
    const answer = new Promise<IncomingMessage>((resolve, reject) => upstream.once('response', resolve).once('error', reject));
    // A client that goes away mid-transfer must not leave the store's request open.
    res.once('close', () => res.writableFinished || upstream.destroy());
    if (method === 'PUT') pipeline(req, upstream).catch(() => upstream.destroy());
    else upstream.end();
    const stored = await answer.catch(() => {
      throw new HubException(HttpStatus.BAD_GATEWAY, 'storage_unavailable', 'The embedded object store did not answer');
    });
    if (stored.statusCode! >= 400) throw await storeError(stored);
    res.status(stored.statusCode!);
    for (const name of FORWARDED_RESPONSE) if (stored.headers[name] !== undefined) res.setHeader(name, stored.headers[name]!);
    if (verdict.params['response-content-disposition']) res.setHeader('Content-Disposition', verdict.params['response-content-disposition']);
    await pipeline(stored, res).catch(() => undefined);
  }

  private requestHeaders(req: Request, params: SignedParams): IncomingHttpHeaders {
    const headers: IncomingHttpHeaders = {};
    const incoming: IncomingHttpHeaders = { ...req.headers, 'content-type': (req as Request & { [STASHED_CONTENT_TYPE]?: string })[STASHED_CONTENT_TYPE] ?? req.headers['content-type'] };
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

  onModuleDestroy(): void {
    this.agent.destroy();
  }
}

/** The store's XML error as the hub's error (404 and 416 kept; a 5xx is the store failing: 502). */
async function storeError(stored: IncomingMessage): Promise<HubException> {
  let xml = '';
  for await (const chunk of stored) if (xml.length < 4096) xml += chunk;
  const code = /<Code>([^<]*)<\/Code>/.exec(xml)?.[1] ?? 'StorageError';
  const message = /<Message>([^<]*)<\/Message>/.exec(xml)?.[1] ?? `The store answered ${stored.statusCode}`;
  const status = stored.statusCode! >= 500 ? HttpStatus.BAD_GATEWAY : stored.statusCode!;
  const snake = code.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  return new HubException(status, snake === 'no_such_key' ? 'object_not_found' : snake, message);
}
