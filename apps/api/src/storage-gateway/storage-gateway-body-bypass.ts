import { HttpAdapterHost } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import { STORAGE_GATEWAY_PREFIX } from '../storage/storage-url-signer';

/** Where the gateway finds the Content-Type it hid from the body parsers. */
export const STASHED_CONTENT_TYPE = Symbol('storage-gateway-content-type');

/**
 * Object bytes must reach the store untouched, but the app-wide body parsers would consume a PUT
 * sent as application/json or x-ndjson. This hides the Content-Type of gateway requests from them
 * (they parse by type) and the gateway forwards it. It is mounted when the providers are built,
 * which NestFactory.create does before createApp registers the parsers, so it runs first.
 */
export function mountBodyBypass(adapterHost: HttpAdapterHost): void {
  adapterHost.httpAdapter.use(`/${STORAGE_GATEWAY_PREFIX}`, (req: Request, _res: Response, next: NextFunction) => {
    const stash = req as Request & { [STASHED_CONTENT_TYPE]?: string };
    stash[STASHED_CONTENT_TYPE] = req.headers['content-type'];
    delete req.headers['content-type'];
    next();
  });
}
