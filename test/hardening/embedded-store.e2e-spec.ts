import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StorageUrlSigner } from '../../apps/api/src/storage/storage-url-signer';
import { expectError } from '../platform/platform-helpers';
import { type EmbeddedStoreHub, startEmbeddedStoreHub } from '../support/embedded-store-hub';
import { registerUser, type TestUser } from '../support/factories';
import { lfsBatch, lfsRepo, sha256Hex, uploadLfsFile } from '../support/lfs-client';
import { createModel } from '../support/models';

/**
 * The embedded store (no S3_ENDPOINT): private to the hub, its objects reachable only through URLs
 * the hub signed, on the hub's own port.
 */
describe('embedded store', () => {
  let hub: EmbeddedStoreHub;
  let alice: TestUser;
  let model: { namespace: string; name: string };
  const weights = randomBytes(11 * 1024 * 1024 + 7);
  let oid: string;

  beforeAll(async () => {
    hub = await startEmbeddedStoreHub({ MULTIPART_THRESHOLD: String(5 * 1024 * 1024), MULTIPART_CHUNK_SIZE: String(5 * 1024 * 1024) });
    alice = await registerUser(hub, 'storealice');
    model = await createModel(hub, alice, { name: 'weights', visibility: 'private' });
  });
  afterAll(() => hub?.close());

  const resolveUrl = () => `${hub.url}/${model.namespace}/${model.name}/resolve/main/model.safetensors`;
  const storeDir = () => path.join(hub.dataDir, 's3');
  const socketPath = () => hub.config.s3.embedded!.socketPath;

  it('uploads a multipart LFS object and downloads it, every byte through the hub port', async () => {
    const batch = await lfsBatch(lfsRepo(hub.url, model, alice.jwt), 'upload', [{ oid: sha256Hex(weights), size: weights.length }]);
    const action = batch.body.objects![0].actions!.upload!;
    const partUrls = Object.entries(action.header!)
      .filter(([k]) => /^\d+$/.test(k))
      .map(([, v]) => v);
    expect(partUrls).toHaveLength(3);
    for (const url of partUrls) expect(url.startsWith(`${hub.url}/_storage/`)).toBe(true);

    ({ oid } = await uploadLfsFile(lfsRepo(hub.url, model, alice.jwt), weights));
    const ndjson = [
      { key: 'header', value: { summary: 'weights' } },
      { key: 'lfsFile', value: { path: 'model.safetensors', algo: 'sha256', oid, size: weights.length } },
    ];
    await hub
      .http()
      .post(`/api/models/${model.namespace}/${model.name}/commit/main`)
      .set(alice.auth)
      .set('Content-Type', 'application/x-ndjson')
      .send(ndjson.map((l) => JSON.stringify(l)).join('\n'))
      .expect(200);

    const redirect = await fetch(resolveUrl(), { headers: alice.auth, redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location')!;
    expect(location.startsWith(`${hub.url}/_storage/`)).toBe(true);
    const whole = await fetch(location);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-length')).toBe(String(weights.length));
    expect(whole.headers.get('etag')).toMatch(/^"/);
    expect(whole.headers.get('content-disposition')).toContain('model.safetensors');
    expect(sha256Hex(Buffer.from(await whole.arrayBuffer()))).toBe(oid);

    const ranged = await fetch(location, { headers: { Range: 'bytes=100-199' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 100-199/${weights.length}`);
    expect(Buffer.from(await ranged.arrayBuffer())).toEqual(weights.subarray(100, 200));
    const head = await fetch(location, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(weights.length));
  });

  it('passes a part sent as application/json through untouched (the body parsers do not take it)', async () => {
    const body = Buffer.concat([Buffer.from('{"not": "parsed"}'), randomBytes(5 * 1024 * 1024)]);
    const batch = await lfsBatch(lfsRepo(hub.url, model, alice.jwt), 'upload', [{ oid: sha256Hex(body), size: body.length + 5 * 1024 * 1024 }]);
    const action = batch.body.objects![0].actions!.upload!;
    expect(action.header).toHaveProperty('00001');
    const res = await fetch(action.header!['00001'], { method: 'PUT', body, headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe(`"${createHash('md5').update(body).digest('hex')}"`);
  });

  it('refuses unsigned, tampered and expired URLs with a 403 in the hub error shape', async () => {
    const redirect = await fetch(resolveUrl(), { headers: alice.auth, redirect: 'manual' });
    const url = new URL(redirect.headers.get('location')!);
    const key = decodeURIComponent(url.pathname.slice('/_storage/'.length));
    const get = async (u: URL | string, init?: RequestInit) => {
      const res = await fetch(u, init);
      return { status: res.status, headers: Object.fromEntries(res.headers), body: await res.json().catch(() => ({})) };
    };

    expectError(await get(`${hub.url}/_storage/${key}`), 403, 'unsigned_url');
    expectError(await get(`${hub.url}/_storage/${key}`, { method: 'PUT', body: 'overwrite' }), 403, 'unsigned_url');
    const otherKey = new URL(url);
    otherKey.pathname = otherKey.pathname.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    expectError(await get(otherKey), 403, 'invalid_signature');
    const later = new URL(url);
    later.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 3600));
    expectError(await get(later), 403, 'invalid_signature');
    const extra = new URL(url);
    extra.searchParams.set('partNumber', '1');
    expectError(await get(extra), 403, 'invalid_signature');
    const otherName = new URL(url);
    otherName.searchParams.set('response-content-disposition', 'inline');
    expectError(await get(otherName), 403, 'invalid_signature');
    // A download URL is not an upload URL.
    expectError(await get(url, { method: 'PUT', body: 'overwrite' }), 403, 'invalid_signature');

    const secret = fs.readFileSync(path.join(hub.dataDir, 'storage-url-secret'), 'utf8').trim();
    expect(fs.statSync(path.join(hub.dataDir, 'storage-url-secret')).mode & 0o777).toBe(0o600);
    const expired = new StorageUrlSigner(secret).sign('GET', key, {}, 60, Date.now() - 120_000);
    expectError(await get(hub.url + expired), 403, 'url_expired');
    const fresh = new StorageUrlSigner(secret).sign('GET', key, {}, 60);
    expect((await fetch(hub.url + fresh)).status).toBe(200);
  });

  it('keeps the store unreachable to other local users: a 0700 folder, a 0600 socket, no TCP port', async () => {
    expect(fs.statSync(storeDir()).mode & 0o777).toBe(0o700);
    expect(fs.statSync(socketPath()).isSocket()).toBe(true);
    expect(fs.statSync(socketPath()).mode & 0o777).toBe(0o600);
    expect(hub.config.s3.endpoint).not.toMatch(/:\d+$/);
    const probe = `require('net').connect(${JSON.stringify(socketPath())}).on('connect', () => { console.log('connected'); process.exit(0); }).on('error', (e) => { console.log(e.code); process.exit(0); })`;
    const asNobody = execFileSync('setpriv', ['--reuid', 'nobody', '--regid', 'nogroup', '--clear-groups', process.execPath, '-e', probe], {
      encoding: 'utf8',
    }).trim();
    expect(asNobody).toBe('EACCES');
    const listing = () =>
      execFileSync('setpriv', ['--reuid', 'nobody', '--regid', 'nogroup', '--clear-groups', 'ls', storeDir()], { stdio: ['ignore', 'pipe', 'pipe'] });
    expect(listing).toThrow(/Permission denied/);
  });

  it('builds store URLs on the address the client called', async () => {
    const localhost = hub.url.replace('127.0.0.1', 'localhost');
    const redirect = await fetch(resolveUrl().replace(hub.url, localhost), { headers: alice.auth, redirect: 'manual' });
    expect(redirect.headers.get('location')!.startsWith(`${localhost}/_storage/`)).toBe(true);
    expect((await fetch(redirect.headers.get('location')!)).status).toBe(200);
  });

  it('keeps signed URLs valid across a restart of the hub on the same data folder', async () => {
    const redirect = await fetch(resolveUrl(), { headers: alice.auth, redirect: 'manual' });
    const signed = new URL(redirect.headers.get('location')!);
    // A download under way (its body not read) does not hold the shutdown.
    const pending = await fetch(signed);
    expect(pending.status).toBe(200);
    await hub.stop();
    hub = await startEmbeddedStoreHub({}, { dataDir: hub.dataDir, databaseUrl: hub.databaseUrl });
    const again = await fetch(`${hub.url}${signed.pathname}${signed.search}`);
    expect(again.status).toBe(200);
    expect(sha256Hex(Buffer.from(await again.arrayBuffer()))).toBe(oid);
  });
});
