import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { addressAllowed, hostAllowed, TargetAllowList } from './webhook-allow-list';

/** A webhook URL whose host was resolved once and every address checked: deliveries connect only to these. */
export interface CheckedTarget {
  url: URL;
  addresses: { address: string; family: 4 | 6 }[];
}

export type TargetCheck = { target: CheckedTarget | null } | { problem: string };

type Resolver = (host: string) => Promise<{ address: string; family: number }[]>;
const resolveAll: Resolver = (host) => lookup(host, { all: true, verbatim: true });

/**
 * Whether `url` may be a webhook target, and where to connect. Only http(s), no credentials in the
 * URL, and a host that is, or resolves only to, public addresses, unless WEBHOOK_ALLOWED_TARGETS
 * allows the host or the addresses (see webhook-allow-list.ts). Checked when the webhook is
 * created and again before each delivery, on the addresses the delivery then connects to, so a
 * name that resolves elsewhere later (DNS rebinding) is caught. `target` is null when the host
 * does not resolve (creation accepts it: the delivery checks again).
 */
export async function checkWebhookTarget(url: string, allow: TargetAllowList, resolve: Resolver = resolveAll): Promise<TargetCheck> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { problem: 'url must be an absolute http(s) URL' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { problem: 'url must be an http(s) URL' };
  if (parsed.username || parsed.password) return { problem: 'url must not carry credentials: use the webhook secret to authenticate deliveries' };
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const addresses = ipaddr.isValid(host) ? [{ address: host, family: ipaddr.parse(host).kind() === 'ipv4' ? 4 : 6 }] : await resolve(host).catch(() => []);
  if (!addresses.length) return { target: null };
  if (!hostAllowed(allow, host)) {
    const refused = addresses.find((a) => !addressAllowed(allow, a.address));
    if (refused) {
      return {
        problem:
          `url must not point at a loopback, private, link-local or other non-public address (${host}: ${refused.address}); ` +
          'an administrator can allow such targets with WEBHOOK_ALLOWED_TARGETS',
      };
    }
  }
  return { target: { url: parsed, addresses: addresses.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 })) } };
}
