import ipaddr from 'ipaddr.js';
import { hostAllowed, TargetAllowList } from '../webhooks/webhook-allow-list';

/**
 * Whether a remote deployment may forward to `url`: the hub calls out only to the OIP servers an
 * administrator listed in INFERENCE_ALLOWED_TARGETS (by host name or domain, or an address inside
 * a listed range), public or not; with the list empty, no remote deployment can be made.
 */
export function remoteTargetProblem(url: string, allow: TargetAllowList): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'config.url must be an absolute http(s) URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'config.url must be an http(s) URL';
  if (parsed.username || parsed.password) return 'config.url must not carry credentials: send them as config.credential (stored encrypted)';
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (hostAllowed(allow, host)) return null;
  if (ipaddr.isValid(host)) {
    const addr = ipaddr.process(host);
    if (allow.ranges.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net, bits))) return null;
  }
  return `config.url's host ${host} is not among the inference targets this hub may call (INFERENCE_ALLOWED_TARGETS)`;
}
