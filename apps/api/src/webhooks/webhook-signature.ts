import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `X-Hub-Signature-256`: `sha256=` and the hex HMAC-SHA256, keyed with the webhook's secret, of
 * `timestamp + "." + body` (timestamp: the `X-Hub-Timestamp` header, Unix seconds). Signing the
 * timestamp lets receivers refuse replays of old deliveries (docs/webhooks.md).
 */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * What a receiver does (and what docs/webhooks.md shows): recompute the signature over the raw
 * body, compare in constant time, and refuse timestamps more than `toleranceSeconds` away.
 */
export function verifyWebhook(
  secret: string,
  headers: { signature: string | undefined; timestamp: string | undefined },
  rawBody: string,
  options: { toleranceSeconds?: number; now?: number } = {},
): boolean {
  const { signature, timestamp } = headers;
  if (!signature || !timestamp || !/^\d+$/.test(timestamp)) return false;
  const age = Math.abs((options.now ?? Date.now()) / 1000 - Number(timestamp));
  if (age > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, rawBody));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
