import { createHmac } from 'node:crypto';
import { statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type ConfigError, loadConfig } from '../../apps/api/src/config/hub-config';
import { WebhookSecretBox } from '../../apps/api/src/webhooks/webhook-secret-box';
import { createOrg, registerUser, type TestUser } from '../support/factories';
import { createModel, hubSql } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';
import { eventually, restartHub, uniqueName } from './licensing-support';

/**
 * Webhook targets and secrets: non-public targets refused unless allowed (at creation, and again
 * at delivery on the resolved address), redirects not followed, nothing learnt from the delivery
 * log about targets that did not answer, and secrets encrypted at rest.
 */
interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A loopback receiver: `/ok` answers 200, `/redirect` 302 to the cloud metadata address. */
async function startReceiver() {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (req.url === '/redirect') res.writeHead(302, { Location: 'http://169.254.169.254/latest/meta-data/' }).end('internal page');
      else res.writeHead(200).end('secret internal answer');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { received, port, base: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

const signatureOk = (r: Received, secret: string) =>
  r.headers['x-hub-signature-256'] === `sha256=${createHmac('sha256', secret).update(`${r.headers['x-hub-timestamp']}.${r.body}`).digest('hex')}`;

const ENV = { WEBHOOK_RETRY_DELAY_SECONDS: '1', WEBHOOK_MAX_ATTEMPTS: '2', WEBHOOK_TIMEOUT_SECONDS: '3' };

describe('webhook targets and secrets', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const hubs: TestHub[] = [];
  afterAll(async () => {
    for (const hub of hubs) await hub.close().catch(() => undefined);
    await receiver.close();
  });
  beforeAll(async () => {
    receiver = await startReceiver();
  });

  async function orgWithAdmin(hub: TestHub): Promise<{ admin: TestUser; org: string; orgId: string }> {
    const admin = await registerUser(hub, uniqueName('admin'));
    const org = await createOrg(hub, admin, uniqueName('org'));
    const [{ id }] = await hubSql<{ id: string }>(
      hub,
      `SELECT o.id::text FROM organizations o JOIN namespaces n ON n.id = o.namespace_id WHERE n.name = $1`,
      org,
    );
    return { admin, org, orgId: id };
  }
  const createHook = (hub: TestHub, admin: TestUser, org: string, body: Record<string, unknown>) =>
    hub.http().post(`/api/v1/orgs/${org}/webhooks`).set(admin.auth).send(body);
  const deliveriesOf = async (hub: TestHub, admin: TestUser, org: string, hook: string) =>
    (await hub.http().get(`/api/v1/orgs/${org}/webhooks/${hook}/deliveries`).set(admin.auth).expect(200)).body as Record<string, unknown>[];
  const settled = (hub: TestHub, admin: TestUser, org: string, hook: string) =>
    eventually(
      async () => {
        const list = await deliveriesOf(hub, admin, org, hook);
        return list.length > 0 && list.every((d) => d.status !== 'pending') && list;
      },
      30_000,
      'settled deliveries',
    );

  it('refuses loopback, link-local, private, CGNAT, unique-local, IPv4-mapped and multicast targets unless allowed', async () => {
    const hub = await startTestHub({ env: ENV });
    hubs.push(hub);
    const { admin, org } = await orgWithAdmin(hub);
    const refused = [
      receiver.base,
      'http://localhost:8080/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://10.0.0.1/hook',
      'http://172.16.5.4/hook',
      'http://192.168.1.1/hook',
      'http://100.64.0.1/hook',
      'http://[::1]/hook',
      'http://[fd00::1]/hook',
      'http://[fe80::1]/hook',
      'http://[::ffff:127.0.0.1]/hook',
      'http://[::ffff:a9fe:a9fe]/hook',
      'http://0.0.0.0/hook',
      'http://224.0.0.1/hook',
    ];
    for (const url of refused) {
      const res = await createHook(hub, admin, org, { url, events: ['model.created'] });
      expect([url, res.status, res.body.code]).toEqual([url, 400, 'invalid_webhook_url']);
      expect(res.body.error).toContain('WEBHOOK_ALLOWED_TARGETS');
    }
  });

  it('stores the secret encrypted (key generated into the data folder, 0600) and still signs deliveries with it', async () => {
    const hub = await startTestHub({ env: { ...ENV, WEBHOOK_ALLOWED_TARGETS: '127.0.0.1/32' } });
    hubs.push(hub);
    const { admin, org } = await orgWithAdmin(hub);
    const secret = 'whsec_stored_encrypted_0123456789';
    const hook = await createHook(hub, admin, org, { url: `${receiver.base}/ok`, events: ['model.created'], secret }).expect(201);
    const [row] = await hubSql<{ secret: string | null; secret_ciphertext: string }>(
      hub,
      `SELECT secret, secret_ciphertext FROM webhooks WHERE id = $1::uuid`,
      hook.body.id,
    );
    expect(row.secret).toBeNull();
    expect(row.secret_ciphertext).toMatch(/^v1\./);
    expect(row.secret_ciphertext).not.toContain(secret);
    expect(Buffer.from(row.secret_ciphertext.split('.')[3], 'base64url').toString('latin1')).not.toContain('stored_encrypted');
    expect(statSync(path.join(hub.config.dataDir, 'webhook-secret-key')).mode & 0o777).toBe(0o600);

    const model = await createModel(hub, admin, { namespace: org, name: uniqueName('m') });
    const got = await eventually(async () => receiver.received.find((r) => r.body.includes(model.id)), 20_000, 'delivery');
    expect(signatureOk(got, secret)).toBe(true);
  });

  it('encrypts clear-text secrets of older rows at start-up; their deliveries still verify', async () => {
    const hub = await startTestHub({ env: { ...ENV, WEBHOOK_ALLOWED_TARGETS: '127.0.0.1/32' } });
    hubs.push(hub);
    const { admin, org, orgId } = await orgWithAdmin(hub);
    const secret = 'whsec_from_before_encryption_42';
    // A row as the hub wrote it before secrets were encrypted.
    const [{ id }] = await hubSql<{ id: string }>(
      hub,
      `INSERT INTO webhooks (id, organization_id, url, events, secret) VALUES (gen_random_uuid(), $1::uuid, $2, ARRAY['model.created'], $3) RETURNING id::text`,
      orgId,
      `${receiver.base}/ok`,
      secret,
    );
    await hub.close();
    const again = await restartHub(hub, { ...ENV, WEBHOOK_ALLOWED_TARGETS: '127.0.0.1/32' });
    hubs.push(again);
    const [row] = await hubSql<{ secret: string | null; secret_ciphertext: string | null }>(
      again,
      `SELECT secret, secret_ciphertext FROM webhooks WHERE id = $1::uuid`,
      id,
    );
    expect(row.secret).toBeNull();
    expect(await again.app.get(WebhookSecretBox).open(row.secret_ciphertext!)).toBe(secret);
    const model = await createModel(again, admin, { namespace: org, name: uniqueName('m') });
    const got = await eventually(async () => receiver.received.find((r) => r.body.includes(model.id)), 20_000, 'delivery');
    expect(signatureOk(got, secret)).toBe(true);
  });

  it('checks the resolved address again at delivery (a name that now resolves to loopback is refused) and says only "not delivered"', async () => {
    const hub = await startTestHub({ env: ENV });
    hubs.push(hub);
    const { admin, org, orgId } = await orgWithAdmin(hub);
    // As if `localhost` had resolved to a public address when the webhook was created (DNS rebinding).
    const sealed = await hub.app.get(WebhookSecretBox).seal('whsec_rebinding_0123456789');
    const [{ id }] = await hubSql<{ id: string }>(
      hub,
      `INSERT INTO webhooks (id, organization_id, url, events, secret_ciphertext) VALUES (gen_random_uuid(), $1::uuid, $2, ARRAY['model.created'], $3) RETURNING id::text`,
      orgId,
      `http://localhost:${receiver.port}/ok`,
      sealed,
    );
    const before = receiver.received.length;
    await createModel(hub, admin, { namespace: org, name: uniqueName('m') });
    const [delivery] = await settled(hub, admin, org, id);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 2, lastStatusCode: null, lastError: 'not delivered' });
    expect(delivery.attemptLog).toEqual([
      expect.objectContaining({ statusCode: null, error: 'not delivered' }),
      expect.objectContaining({ statusCode: null, error: 'not delivered' }),
    ]);
    expect(JSON.stringify(delivery)).not.toMatch(/127\.0\.0\.1|::1|loopback|non-public|ECONNREFUSED|WEBHOOK_ALLOWED_TARGETS/);
    expect(receiver.received.length).toBe(before);
  });

  it('an administrator can allow a host by name: delivered, connecting to the address it resolved to', async () => {
    const hub = await startTestHub({ env: { ...ENV, WEBHOOK_ALLOWED_TARGETS: 'localhost' } });
    hubs.push(hub);
    const { admin, org } = await orgWithAdmin(hub);
    const hook = await createHook(hub, admin, org, { url: `http://localhost:${receiver.port}/ok`, events: ['model.created'] }).expect(201);
    // The name is allowed, not the address: 127.0.0.1 itself stays refused.
    await createHook(hub, admin, org, { url: `${receiver.base}/ok`, events: ['model.created'] }).expect(400);
    await createModel(hub, admin, { namespace: org, name: uniqueName('m') });
    const [delivery] = await settled(hub, admin, org, hook.body.id);
    expect(delivery).toMatchObject({ status: 'delivered', lastStatusCode: 200, lastError: null });
  });

  it('does not follow a redirect (not even to an allowed address): the 302 is the answer', async () => {
    const hub = await startTestHub({ env: { ...ENV, WEBHOOK_ALLOWED_TARGETS: '127.0.0.1/32' } });
    hubs.push(hub);
    const { admin, org } = await orgWithAdmin(hub);
    const hook = await createHook(hub, admin, org, { url: `${receiver.base}/redirect`, events: ['model.created'] }).expect(201);
    const before = receiver.received.filter((r) => r.path === '/redirect').length;
    await createModel(hub, admin, { namespace: org, name: uniqueName('m') });
    const [delivery] = await settled(hub, admin, org, hook.body.id);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 2, lastStatusCode: 302, lastError: 'The receiver answered HTTP 302' });
    expect(JSON.stringify(delivery)).not.toContain('internal page');
    expect(receiver.received.filter((r) => r.path === '/redirect').length - before).toBe(2);
    expect(receiver.received.filter((r) => r.path.startsWith('/latest'))).toEqual([]);
  });

  it('validates WEBHOOK_ALLOWED_TARGETS and WEBHOOK_SECRET_KEY at boot, naming the variable', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig({ NODE_ENV: 'test', ...env });
        return [];
      } catch (err) {
        return (err as ConfigError).problems;
      }
    };
    expect(problems({ WEBHOOK_ALLOWED_TARGETS: '127.0.0.1/32,10.0.0.0/8,::1,hooks.internal,*.corp.example' })).toEqual([]);
    expect(problems({ WEBHOOK_ALLOWED_TARGETS: '10.0.0.0/33,http://x' })).toEqual([
      expect.stringMatching(/^WEBHOOK_ALLOWED_TARGETS: not a CIDR, address or host name: 10\.0\.0\.0\/33, http:\/\/x/),
    ]);
    expect(problems({ WEBHOOK_SECRET_KEY: 'short' })).toEqual([expect.stringMatching(/^WEBHOOK_SECRET_KEY: expected at least 32 characters/)]);
    expect(problems({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' })).toEqual([expect.stringMatching(/^WEBHOOK_ALLOW_PRIVATE_TARGETS: .*WEBHOOK_ALLOWED_TARGETS/)]);
  });
});
