import { HttpAdapterHost } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import { STORAGE_GATEWAY_PREFIX } from '../storage/storage-url-signer';
import { RequestHash, tapRequestHash } from './request-hash-tap';

/** Where the gateway finds the Content-Type it hid from the body parsers. */
export const STASHED_CONTENT_TYPE = Symbol('storage-gateway-content-type');

/** Where the gateway finds the hash of a PUT's body, tapped before any byte could pass unseen. */
export const BODY_HASH = Symbol('storage-gateway-body-hash');

export type GatewayRequest = Request & { [STASHED_CONTENT_TYPE]?: string; [BODY_HASH]?: RequestHash };

/**
 * Object bytes must reach the store untouched, but the app-wide body parsers would consume a PUT
 * sent as application/json or x-ndjson. This hides the Content-Type of gateway requests from them
 * (they parse by type) and the gateway forwards it. It is mounted when the providers are built,
 * which NestFactory.create does before createApp registers the parsers, so it runs first. It
 * also starts hashing the body of every single PUT (see StorageGatewayProxy).
 */
export function mountBodyBypass(adapterHost: HttpAdapterHost): void {
  adapterHost.httpAdapter.use(`/${STORAGE_GATEWAY_PREFIX}`, (req: Request, _res: Response, next: NextFunction) => {
    const stash = req as GatewayRequest;
    stash[STASHED_CONTENT_TYPE] = req.headers['content-type'];
    // Here, in the first middleware, while the server is still handling the request's head.
    // Not a multipart upload's part: the store hashes parts in order as they land (MultipartAssembler).
    if (req.method === 'PUT' && !new URL(req.originalUrl, 'http://x').searchParams.has('uploadId')) stash[BODY_HASH] = tapRequestHash(req);
    delete req.headers['content-type'];
    next();
  });
}
