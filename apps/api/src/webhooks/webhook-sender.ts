import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { CheckedTarget } from './webhook-target';

/**
 * POSTs one delivery to a checked target, connecting only to the addresses that were checked (the
 * host is not resolved again, so DNS cannot swap in another address after the check; Node tries
 * them in order, as it would the resolver's answer). TLS still
 * verifies the certificate for the URL's host name. Redirects are not followed: a redirect is an
 * answer like any other non-2xx. Resolves with the HTTP status; the response body is not read.
 */
export function postToTarget(target: CheckedTarget, headers: Record<string, string>, body: string, timeoutMs: number): Promise<number> {
  const pinned: LookupFunction = (_host, options, callback) => {
    if (options.all) callback(null, target.addresses);
    else callback(null, target.addresses[0].address, target.addresses[0].family);
  };
  const { url } = target;
  const send = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = send(
      {
        method: 'POST',
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
        lookup: pinned,
        // No connection reuse: each delivery connects to the address it checked.
        agent: false,
        signal: AbortSignal.timeout(timeoutMs),
      },
      (res) => {
        res.resume();
        res.destroy();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
