import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { NextFunction, Request, Response } from 'express';
import { HubException } from '../common/hub-exception';
import { HUB_CONFIG, ResolvedHubConfig } from '../config/hub-config';
import { CSRF_HEADER, clearSessionCookies, csrfMatches, readCookies, SESSION_COOKIE } from './session-cookies';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Turns a browser's session cookie into the bearer credential the global guard already checks,
 * so programs (bearer tokens) and pages (cookies) meet one code path. An explicit Authorization
 * header wins. A change (POST, PUT, PATCH, DELETE) made with the cookie must carry the CSRF
 * token in X-CSRF-Token: another site's page can make the browser send the cookie, not read it.
 * An expired or foreign cookie is dropped (the visitor is anonymous), not a 401 on every page.
 */
@Injectable()
export class SessionCookieMiddleware implements NestMiddleware {
  constructor(
    @Inject(HUB_CONFIG) private readonly config: ResolvedHubConfig,
    private readonly jwt: JwtService,
  ) {}

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    const session = readCookies(req)[SESSION_COOKIE];
    if (!session || req.headers.authorization) return next();
    const valid = await this.jwt.verifyAsync<{ typ?: string }>(session).then(
      (claims) => claims.typ === 'session',
      () => false,
    );
    if (!valid) {
      clearSessionCookies(req, res);
      return next();
    }
    if (!SAFE_METHODS.has(req.method) && !csrfMatches(session, this.config.jwt.secret, req.header(CSRF_HEADER))) {
      throw HubException.forbidden('This change comes from a browser session without its CSRF token (X-CSRF-Token)', 'csrf_failed');
    }
    req.headers.authorization = `Bearer ${session}`;
    next();
  }
}
