import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { STORAGE_GATEWAY_PREFIX } from '../storage/storage-url-signer';

/** apps/web/dist, from apps/api/src/web (tests) and apps/api/dist/web (the build) alike. */
export const WEB_DIST_DIR = resolve(__dirname, '../../../web/dist');

/** First path segments that belong to the API, its documents or the storage gateway: never the app's. */
const RESERVED = new Set(['api', 'v2', STORAGE_GATEWAY_PREFIX, 'docs', 'openapi.json', 'openapi.yaml', 'healthz', 'readyz', 'assets']);
/** Hugging Face file and git routes under a repository (a dataset's under `/datasets`): `/{ns}/{name}/resolve/...`, `raw`, `{name}.git/...`. */
const REPO_FILE_ROUTE = /^(\/datasets)?\/[^/]+\/[^/]+\/(resolve|raw)(\/|$)|^(\/datasets)?\/[^/]+\/[^/]+\.git(\/|$)/;
/** The app's pages (Hugging Face's URLs); the app itself decides whether the model or organization exists. */
const REPO_PAGES = [
  /^\/[^/]+\/[^/]+\/?$/,
  /^\/[^/]+\/[^/]+\/(tree|blob)\/[^/]+(\/.*)?$/,
  /^\/[^/]+\/[^/]+\/(commit|commits|discussions)\/[^/]+\/?$/,
  /^\/[^/]+\/[^/]+\/discussions\/?$/,
  /^\/[^/]+\/[^/]+\/(licensing|settings)\/?$/,
  /^\/[^/]+\/[^/]+\/(upload|edit)\/[^/]+(\/.*)?$/,
];
const PAGES = [/^\/$/, /^\/(models|datasets|login|join)\/?$/, /^\/settings(\/[^/]+)*\/?$/, /^\/[^/]+\/?$/, ...REPO_PAGES];
/** `/datasets/{ns}/{name}...`: the rest is classified as a repository's path. */
const DATASET = /^\/datasets(\/[^/]+\/[^/]+(?:\/.*)?)$/;

export type WebRoute = 'api' | 'page' | 'not-found';

/**
 * Whether a request wants the app rather than the API's JSON: an HTML navigation, and at `/` any
 * client that does not ask for JSON (curl on the address `npm start` prints gets the front page).
 */
const wantsPage = (req: Request) => req.accepts(req.path === '/' ? ['html', 'json'] : ['json', 'html']) === 'html';

/** What a browser navigation to `path` is: handed to the API, the app's page, or the app's 404 page. */
export function classifyWebPath(path: string): WebRoute {
  const first = path.split('/')[1] ?? '';
  if (RESERVED.has(first) || REPO_FILE_ROUTE.test(path)) return 'api';
  // A dataset's pages and file routes are a model's under `/datasets` (Hugging Face's URLs).
  const dataset = DATASET.exec(path);
  if (dataset) return REPO_FILE_ROUTE.test(dataset[1]) ? 'api' : REPO_PAGES.some((p) => p.test(dataset[1])) ? 'page' : 'not-found';
  return PAGES.some((p) => p.test(path)) ? 'page' : 'not-found';
}

/**
 * Serves the web marketplace (docs/web.md) from the API's own port when it has been built:
 * hashed assets with a year's cache, and index.html for browser navigations (GET or HEAD that
 * prefer text/html; at `/`, that do not prefer JSON) to the app's pages; any other navigation gets index.html with status 404,
 * which the app renders as its 404 page. Requests for JSON, and every API, file, LFS and docs
 * path, go on to the routes with their own answers and errors.
 */
export function serveWebApp(app: NestExpressApplication, dist = WEB_DIST_DIR): boolean {
  const indexFile = join(dist, 'index.html');
  if (!existsSync(indexFile)) return false;
  const index = readFileSync(indexFile);
  app.useStaticAssets(join(dist, 'assets'), { prefix: '/assets/', index: false, immutable: true, maxAge: '365d' });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !wantsPage(req)) return next();
    const route = classifyWebPath(req.path);
    if (route === 'api') return next();
    res.status(route === 'page' ? 200 : 404);
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(index);
  });
  return true;
}
