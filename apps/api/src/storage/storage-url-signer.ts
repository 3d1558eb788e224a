import { createHmac, timingSafeEqual } from 'node:crypto';

/** Where the hub serves the embedded store's objects ('_' cannot start a namespace name). */
export const STORAGE_GATEWAY_PREFIX = '_storage';

/** Query parameters a signed URL may carry; anything else makes it invalid. */
export const SIGNED_PARAMS = ['uploadId', 'partNumber', 'response-content-disposition', 'range', 'content-length', 'expires', 'signature'] as const;
export type SignedParams = Partial<Record<(typeof SIGNED_PARAMS)[number], string>>;

export type SignedMethod = 'GET' | 'PUT';
export type Verdict = { ok: true; params: SignedParams } | { ok: false; code: 'unsigned_url' | 'invalid_signature' | 'url_expired'; message: string };

/**
 * Signs and checks the URLs of the storage gateway: an HMAC-SHA256 over the method, the object key
 * and every query parameter (its expiry included), so that changing any of them, or adding one,
 * voids the URL.
 */
export class StorageUrlSigner {
  constructor(private readonly secret: string) {}

  /** `/_storage/<key>?<params>&expires=..&signature=..`, to append to the hub's origin. */
  sign(method: SignedMethod, key: string, params: SignedParams, expiresIn: number, now = Date.now()): string {
    const query: Record<string, string> = { expires: String(Math.floor(now / 1000) + expiresIn) };
    for (const [name, value] of Object.entries(params)) if (value !== undefined) query[name] = value;
    const signature = this.signatureOf(method, key, query);
    const qs = new URLSearchParams({ ...query, signature }).toString();
    return `/${STORAGE_GATEWAY_PREFIX}/${key.split('/').map(encodeURIComponent).join('/')}?${qs}`;
  }

  /** Checks a request's query (every value as received) against `method` and `key`. */
  verify(method: SignedMethod, key: string, query: URLSearchParams, now = Date.now()): Verdict {
    const params: Record<string, string> = {};
    for (const [name, value] of query) {
      if (name in params || !(SIGNED_PARAMS as readonly string[]).includes(name)) return invalid();
      params[name] = value;
    }
    const { signature, ...signed } = params;
    if (!signature || !signed.expires)
      return { ok: false, code: 'unsigned_url', message: 'This storage URL is not signed by the hub; ask the hub for a download or upload URL' };
    const expected = Buffer.from(this.signatureOf(method, key, signed));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return invalid();
    if (!/^\d{1,12}$/.test(signed.expires) || Number(signed.expires) * 1000 <= now) {
      return { ok: false, code: 'url_expired', message: 'This storage URL has expired; ask the hub for a new one' };
    }
    return { ok: true, params: signed };
  }

  private signatureOf(method: SignedMethod, key: string, params: Record<string, string>): string {
    const canonical = Object.entries(params)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
      .join('&');
    return createHmac('sha256', this.secret).update(`${method}\n${key}\n${canonical}`).digest('base64url');
  }
}

const invalid = (): Verdict => ({ ok: false, code: 'invalid_signature', message: 'This storage URL was altered or is not valid' });
