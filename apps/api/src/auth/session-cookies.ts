import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';

/** The browser session: the session JWT in an httpOnly cookie, never readable by a page's script. */
export const SESSION_COOKIE = 'hub_session';
/** The CSRF token (readable by the page, which echoes it in CSRF_HEADER on every change). */
export const CSRF_COOKIE = 'hub_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** Cookies of a request, without a dependency: `a=b; c=d`. Malformed pairs are skipped. */
export function readCookies(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    try {
      out[key] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      // a cookie that is not valid percent-encoding is not ours
    }
  }
  return out;
}

/**
 * The CSRF token is bound to the session it protects (an HMAC of the JWT), so a cookie planted
 * by a sibling subdomain cannot pair with another session's token.
 */
export function csrfTokenFor(jwt: string, secret: string): string {
  return createHmac('sha256', secret).update(`csrf:${jwt}`).digest('base64url');
}

export function csrfMatches(jwt: string, secret: string, sent: string | undefined): boolean {
  if (!sent) return false;
  const expected = Buffer.from(csrfTokenFor(jwt, secret));
  const given = Buffer.from(sent);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** `Secure` whenever the page was reached over HTTPS (directly or, with trust proxy, behind one). */
export function setSessionCookies(req: Request, res: Response, jwt: string, secret: string, maxAgeSeconds: number): void {
  const common = { sameSite: 'lax' as const, secure: req.secure, path: '/', maxAge: maxAgeSeconds * 1000 };
  res.cookie(SESSION_COOKIE, jwt, { ...common, httpOnly: true });
  res.cookie(CSRF_COOKIE, csrfTokenFor(jwt, secret), { ...common, httpOnly: false });
}

export function clearSessionCookies(req: Request, res: Response): void {
  for (const name of [SESSION_COOKIE, CSRF_COOKIE]) res.clearCookie(name, { path: '/', sameSite: 'lax', secure: req.secure });
}
