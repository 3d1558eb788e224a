import cors from 'cors';
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import type { HubConfig } from '../config/hub-config';

/** Headers a browser page of another origin may read: what clients need from files, pages and errors. */
const EXPOSED_HEADERS = [
  'ETag',
  'Link',
  'Location',
  'Content-Range',
  'Content-Length',
  'Content-Disposition',
  'Accept-Ranges',
  'Retry-After',
  'Server-Timing',
  'X-Request-Id',
  'X-Error-Code',
  'X-Error-Message',
  'X-Repo-Commit',
  'X-Linked-Size',
  'X-Linked-ETag',
  'X-Total-Count',
];

interface StorageAddress {
  endpoint?: string;
  publicEndpoint?: string;
  embedded?: unknown;
}

/**
 * Where the web marketplace's uploads send their bytes: an external bucket's public address
 * (presigned part URLs); none for the embedded store, whose URLs are the hub's own gateway.
 */
function storageOrigin(s3: StorageAddress | undefined): string[] {
  const endpoint = s3 && !s3.embedded ? (s3.publicEndpoint ?? s3.endpoint) : undefined;
  return endpoint ? [new URL(endpoint).origin] : [];
}

/**
 * The middleware giving security headers on every answer and the CORS policy (docs/platform.md#browsers). The CSP is
 * strict (same-origin scripts, no framing) because everything the hub serves as HTML is its own:
 * the API docs today, the web marketplace later. Files are served as attachments, never as pages.
 * One instance serves both the Express stack and the hot routes (hot-routes/hot-routes.ts).
 */
export function browserSafety(config: Pick<HubConfig, 'corsOrigins' | 'publicUrl'> & { s3?: StorageAddress }): RequestHandler[] {
  const handlers: RequestHandler[] = [
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          // Swagger UI sets inline styles on its elements.
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          connectSrc: ["'self'", ...storageOrigin(config.s3)],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          // Only where the hub is known to be served over HTTPS: on plain http it would break every request.
          upgradeInsecureRequests: config.publicUrl?.startsWith('https:') ? [] : null,
        },
      },
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
      // Files and API answers may be fetched by other sites' pages through CORS (as huggingface.co allows).
      crossOriginResourcePolicy: { policy: 'cross-origin' },
      strictTransportSecurity: config.publicUrl?.startsWith('https:') ? { maxAge: 180 * 24 * 3600 } : false,
    }),
  ];
  const origins = config.corsOrigins;
  if (origins === '*' || origins.length) {
    // The `cors` middleware Nest's enableCors mounts, built here so the hot routes run the same instance.
    handlers.push(
      cors({
        origin: origins === '*' ? '*' : origins,
        // Cookies only for origins named one by one; `*` cannot carry them anyway.
        credentials: origins !== '*',
        methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
        exposedHeaders: EXPOSED_HEADERS,
        maxAge: 600,
      }),
    );
  }
  return handlers;
}
