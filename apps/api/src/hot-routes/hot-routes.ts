import { type ExceptionFilter, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Express, NextFunction, RequestHandler, Response } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuthService } from '../auth/auth.service';
import { defaultScope, invalidBearerToken, requireScope } from '../common/auth/bearer-auth.guard';
import type { HubRequest } from '../common/request-context';
import { type RouteLayer, RouteIndex } from './route-index';

/** A matched hot route: the Express path it was registered under and Express's own params. */
export interface HotMatch {
  path: string;
  params: Record<string, unknown>;
}

/**
 * A public route answered before Express and Nest run (the requests clients repeat most: resolve,
 * infer).
 * It registers the Express route paths Nest gave its controller; a request is taken only when
 * Express itself would have routed it to one of them.
 */
export interface HotRoute {
  readonly paths: readonly string[];
  /** A POST route that reads its own body (no body parser runs on the hot path); GET and HEAD otherwise. */
  readonly readsBody?: boolean;
  handle(req: HubRequest, res: Response, match: HotMatch): Promise<void>;
}

/** What the Express stack runs for these requests, as the very same instances (app.factory.ts). */
export interface HotPipeline {
  middleware: RequestHandler[];
  filter: ExceptionFilter;
}

/** `Authorization: Bearer <token>` as passport-http-bearer reads it (two parts split on one space). */
const BEARER = /^bearer ([^ ]+)$/i;

/**
 * The hot routes registry. It takes over the HTTP server's request listener: a GET or HEAD (or
 * a POST, for a route that reads its own body) that Express would route to a registered route is
 * answered here, with the same middleware instances
 * (request id, logger, helmet, CORS, input guard, request origin), the same bearer authentication
 * and scope rule as the global guard, the route's own service and the app's exception filter;
 * every other request goes to Express and Nest unchanged.
 *
 * It leaves to Nest, which answers them the same way, the requests whose handling it does not
 * repeat: a query string (passport also reads `access_token` there), a body on a GET or HEAD, cookies (the browser
 * session middleware), an Authorization header that is not one bearer token, an absolute URL.
 */
@Injectable()
export class HotRoutes implements OnApplicationBootstrap {
  private readonly routes: HotRoute[] = [];
  private index: RouteIndex<HotRoute> | null = null;
  private express: Express | null = null;
  private pipeline: HotPipeline | null = null;
  /** Requests answered here since start (tests check the hot path was taken). */
  served = 0;

  constructor(private readonly auth: AuthService) {}

  /** Nest has registered every route by now (hot routes register at module init): a hot route with no Express route fails the start. */
  onApplicationBootstrap(): void {
    if (this.express && this.routes.length) this.index = RouteIndex.of(this.express.router.stack as unknown as RouteLayer[], this.routes);
  }

  register(route: HotRoute): void {
    this.routes.push(route);
  }

  /** Puts the registry in front of the app's Express handler. */
  attach(app: NestExpressApplication, pipeline: HotPipeline): void {
    const server = app.getHttpServer();
    const express = app.getHttpAdapter().getInstance() as Express;
    const fallback = server.listeners('request')[0] as (req: IncomingMessage, res: ServerResponse) => void;
    if (fallback !== express) throw new Error("Hot routes: the HTTP server's request listener is not the app's Express handler");
    this.express = express;
    this.pipeline = pipeline;
    server.removeListener('request', fallback);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const hit = this.take(req);
      if (hit) this.serve(req as HubRequest, res as Response, hit.route, hit.match, hit.layer);
      else fallback(req, res);
    });
  }

  private take(req: IncomingMessage): { route: HotRoute; match: HotMatch; layer: RouteLayer } | null {
    const method = req.method;
    const bodyless = method === 'GET' || method === 'HEAD';
    if ((!bodyless && method !== 'POST') || !this.index) return null;
    const url = req.url;
    if (!url || url.charCodeAt(0) !== 47 || url.includes('?') || url.includes('#')) return null;
    const h = req.headers;
    if (h.cookie !== undefined) return null;
    if (bodyless && (h['transfer-encoding'] !== undefined || (h['content-length'] !== undefined && h['content-length'] !== '0'))) return null;
    if (h.authorization !== undefined && !BEARER.test(h.authorization)) return null;
    const hit = this.index.find(method, url);
    return hit && (bodyless || hit.route.readsBody) ? hit : null;
  }

  /** What Express's app.handle does, then the middleware chain, authentication and the route. */
  private serve(req: HubRequest, res: Response, route: HotRoute, match: HotMatch, layer: RouteLayer): void {
    const express = this.express!;
    const { middleware, filter } = this.pipeline!;
    Object.assign(req, { res });
    Object.assign(res, { req });
    Object.setPrototypeOf(req, express.request);
    Object.setPrototypeOf(res, express.response);
    res.locals ??= Object.create(null);
    if (express.enabled('x-powered-by')) res.setHeader('X-Powered-By', 'Express');
    req.params = match.params as HubRequest['params'];
    req.route = layer.route;
    this.served++;
    const fail = (err: unknown) => this.fail(filter, err, req, res);
    const step = (i: number): void => {
      if (i === middleware.length) return void this.answer(route, match, req, res).catch(fail);
      try {
        middleware[i](req, res, ((err?: unknown) => (err ? fail(err) : step(i + 1))) as NextFunction);
      } catch (err) {
        fail(err);
      }
    };
    step(0);
  }

  /** The global BearerAuthGuard on a public route: anonymous is fine, a sent token must be valid and `read`. */
  private async answer(route: HotRoute, match: HotMatch, req: HubRequest, res: Response): Promise<void> {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const principal = await this.auth.authenticate(BEARER.exec(header)![1]);
      if (!principal) throw invalidBearerToken();
      requireScope(principal, defaultScope(req.method, true));
      req.user = principal;
    }
    await route.handle(req, res, match);
  }

  private fail(filter: ExceptionFilter, err: unknown, req: HubRequest, res: Response): void {
    try {
      // The host Nest's router gives its exception handler: no handler or class.
      filter.catch(err, new ExecutionContextHost([req, res, () => undefined]));
    } catch {
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    }
  }
}
