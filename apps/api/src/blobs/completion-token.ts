import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signature on a multipart upload's completion URL. git-lfs clients POST the completion
 * without credentials, so the URL itself is the capability: an HMAC (keyed from the hub's
 * JWT secret, for this purpose only) over the upload id and an expiry. Single use is enforced
 * by the upload's state, not by the token.
 */
export type CompletionTokenCheck = 'valid' | 'invalid' | 'expired';

const keyFor = (secret: string) => createHmac('sha256', secret).update('model-hub/lfs-multipart-completion/v1').digest();
const mac = (secret: string, uploadId: string, expires: number) => createHmac('sha256', keyFor(secret)).update(`${uploadId}.${expires}`).digest();

/** `<expiry in unix seconds>.<base64url HMAC>` */
export function signCompletionToken(secret: string, uploadId: string, expiresAt: Date): string {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  return `${expires}.${mac(secret, uploadId, expires).toString('base64url')}`;
}

export function checkCompletionToken(secret: string, uploadId: string, token: string | undefined, now = new Date()): CompletionTokenCheck {
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token ?? '');
  if (!match) return 'invalid';
  const expires = Number(match[1]);
  const given = Buffer.from(match[2], 'base64url');
  const expected = mac(secret, uploadId, expires);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
  return now.getTime() >= expires * 1000 ? 'expired' : 'valid';
}
