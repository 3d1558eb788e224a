import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';

const origins = new AsyncLocalStorage<string | undefined>();
/** A host name, IPv4 or [IPv6] address, and an optional port: nothing else goes into a link. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/**
 * Remembers, for the rest of the request, the origin the client called: its protocol and Host, or
 * X-Forwarded-Proto/Host when the connection comes from a trusted proxy (Express's 'trust proxy',
 * TRUST_PROXY). Mounted after the body parsers, so that every later step runs in this context.
 */
export function requestOriginMiddleware(req: Request, _res: Response, next: NextFunction): void {
  const host = req.host;
  origins.run(host && HOST.test(host) ? `${req.protocol}://${host}` : undefined, next);
}

/** The origin of the request being served (undefined outside a request, or with no usable Host). */
export const currentRequestOrigin = (): string | undefined => origins.getStore();
