import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestUser } from '../support/factories';
import type { TestHub } from '../support/test-hub';

export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  answered: number;
}

/**
 * A webhook receiver on loopback: `/ok` answers 200, `/flaky` 500 twice per delivery then 200,
 * `/down` always 500, `/switch` 500 until `receiver.switchOn = true`.
 */
export async function startReceiver() {
  const received: Received[] = [];
  const flakyFailures = new Map<string, number>();
  const state = { switchOn: false };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const delivery = String(req.headers['x-hub-delivery']);
      let status = 200;
      if (req.url === '/down' || (req.url === '/switch' && !state.switchOn)) status = 500;
      if (req.url === '/flaky') {
        const failures = flakyFailures.get(delivery) ?? 0;
        if (failures < 2) {
          flakyFailures.set(delivery, failures + 1);
          status = 500;
        }
      }
      received.push({ path: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), answered: status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(state, { received, base, close: () => new Promise((resolve) => server.close(resolve)) });
}

export const SECRET = 'whsec_test_0123456789abcdef';

/** The receiver's check, written from docs/webhooks.md rather than with the hub's own helper. */
export function verify(r: Received, secret = SECRET): boolean {
  const timestamp = String(r.headers['x-hub-timestamp']);
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${r.body}`).digest('hex')}`;
  return r.headers['x-hub-signature-256'] === expected && Math.abs(Date.now() / 1000 - Number(timestamp)) <= 300;
}

/** Creates a webhook of `org` for model.created (signed with SECRET); returns its id. */
export async function createWebhook(hub: TestHub, admin: TestUser, org: string, url: string): Promise<string> {
  const res = await hub
    .http()
    .post(`/api/v1/orgs/${org}/webhooks`)
    .set(admin.auth)
    .send({ url, events: ['model.created'], secret: SECRET })
    .expect(201);
  return res.body.id as string;
}

// The receiver is on loopback, which webhooks may reach only when an administrator allows it.
export const ENV = { WEBHOOK_RETRY_DELAY_SECONDS: '1', WEBHOOK_MAX_ATTEMPTS: '3', WEBHOOK_TIMEOUT_SECONDS: '3', WEBHOOK_ALLOWED_TARGETS: '127.0.0.1/32' };
