import { randomBytes } from 'node:crypto';
import type request from 'supertest';
import { createOrg, registerUser, type TestUser } from '../support/factories';
import { createModel, hubSql } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';
import { commit, put, sha256, storeBucketBlob } from './commits-support';

describe('downloads', () => {
  let hub: TestHub;
  let alice: TestUser;
  let repo: string;
  let head: string;
  let weights: Buffer;
  beforeAll(async () => {
    hub = await startTestHub();
    alice = await registerUser(hub);
    repo = (await createModel(hub, alice)).id;
    weights = randomBytes(256 * 1024);
    const blob = await storeBucketBlob(hub, repo, weights);
    head = await commit(hub, alice, repo, [
      { op: 'lfs', path: 'weights/model.safetensors', sha256: blob.sha256, size: blob.size },
      put('config.json', '{"hidden_size": 64}'),
    ]);
  });
  afterAll(() => hub.close());

  const file = (path: string) => `/api/v1/models/${repo}/files/${path}`;
  const downloads = async () => (await hub.http().get(`/api/v1/models/${repo}`).expect(200)).body.downloads as number;
  const events = () =>
    hubSql<{ path: string; commit_id: string; user_id: string | null; address: string | null }>(
      hub,
      `SELECT path, commit_id, user_id, address FROM download_events ORDER BY id`,
    );

  it('GET of a bucket file: 302 to a presigned URL whose bytes match, with ETag, X-Repo-Commit, X-Linked-Size', async () => {
    const res = await hub.http().get(file('weights/model.safetensors')).expect(302);
    expect(res.headers['etag']).toBe(`"${sha256(weights)}"`);
    expect(res.headers['x-repo-commit']).toBe(head);
    expect(res.headers['x-linked-size']).toBe(String(weights.length));
    expect(res.headers['x-linked-etag']).toBe(`"${sha256(weights)}"`);
    const s3 = await fetch(res.headers['location']);
    expect(s3.status).toBe(200);
    expect(Buffer.from(await s3.arrayBuffer()).equals(weights)).toBe(true);
  });

  it('resumes: a ranged GET of the presigned URL answers 206 with exactly those bytes', async () => {
    const res = await hub.http().get(file('weights/model.safetensors')).expect(302);
    const first = await fetch(res.headers['location'], { headers: { Range: 'bytes=0-99999' } });
    expect(first.status).toBe(206);
    const rest = await fetch(res.headers['location'], { headers: { Range: 'bytes=100000-' } });
    expect(rest.status).toBe(206);
    expect(rest.headers.get('content-range')).toBe(`bytes 100000-${weights.length - 1}/${weights.length}`);
    const joined = Buffer.concat([Buffer.from(await first.arrayBuffer()), Buffer.from(await rest.arrayBuffer())]);
    expect(joined.equals(weights)).toBe(true);
  });

  it('HEAD gives size, ETag and commit and records nothing', async () => {
    const before = await downloads();
    const eventsBefore = (await events()).length;
    const res = await hub.http().head(file('weights/model.safetensors')).expect(302);
    expect(res.headers).toMatchObject({ etag: `"${sha256(weights)}"`, 'x-repo-commit': head, 'x-linked-size': String(weights.length) });
    const inline = await hub.http().head(file('config.json')).expect(200);
    expect(inline.headers).toMatchObject({ 'content-length': '19', etag: `"${sha256('{"hidden_size": 64}')}"`, 'x-repo-commit': head });
    expect(await downloads()).toBe(before);
    expect(await events()).toHaveLength(eventsBefore);
  });

  it('GET of an inline file answers the bytes, with ranges', async () => {
    const res = await hub.http().get(file('config.json')).buffer(true).parse(rawBody).expect(200);
    expect(res.body.toString()).toBe('{"hidden_size": 64}');
    expect(res.headers).toMatchObject({ 'content-length': '19', etag: `"${sha256('{"hidden_size": 64}')}"`, 'x-repo-commit': head, 'accept-ranges': 'bytes' });
    const part = await hub.http().get(file('config.json')).set('Range', 'bytes=2-7').buffer(true).parse(rawBody).expect(206);
    expect(part.body.toString()).toBe('hidden');
    expect(part.headers['content-range']).toBe('bytes 2-7/19');
    const tail = await hub.http().get(file('config.json')).set('Range', 'bytes=-3').buffer(true).parse(rawBody).expect(206);
    expect(tail.body.toString()).toBe('64}');
    await hub.http().get(file('config.json')).set('Range', 'bytes=100-').expect(416);
  });

  it('every GET records a download event and counts on the model', async () => {
    // Files no earlier test fetched, so that any once-per-file-and-caller counting rule counts them.
    const c = await commit(hub, alice, repo, [put('counted/a.txt', 'a'), put('counted/b.txt', 'b')]);
    const before = await downloads();
    const eventsBefore = (await events()).length;
    await hub.http().get(file('counted/a.txt')).expect(200);
    await hub.http().get(file('counted/b.txt')).set(alice.auth).expect(200);
    expect(await downloads()).toBe(before + 2);
    const recorded = (await events()).slice(eventsBefore);
    expect(recorded).toEqual([
      { path: 'counted/a.txt', commit_id: c, user_id: null, address: expect.any(String) },
      { path: 'counted/b.txt', commit_id: c, user_id: alice.id, address: expect.any(String) },
    ]);
  });

  it('downloads at any revision; 404 EntryNotFound carries X-Repo-Commit', async () => {
    const c2 = await commit(hub, alice, repo, [put('config.json', 'v2')]);
    const now = await hub.http().get(file('config.json')).buffer(true).parse(rawBody).expect(200);
    expect(now.body.toString()).toBe('v2');
    const then = await hub.http().get(file('config.json')).query({ revision: head }).buffer(true).parse(rawBody).expect(200);
    expect(then.body.toString()).toBe('{"hidden_size": 64}');
    expect(then.headers['x-repo-commit']).toBe(head);
    const missing = await hub.http().get(file('nope/missing.bin')).expect(404);
    expect(missing.headers['x-error-code']).toBe('EntryNotFound');
    expect(missing.headers['x-repo-commit']).toBe(c2);
    const rev = await hub.http().get(file('config.json')).query({ revision: 'nope' }).expect(404);
    expect(rev.headers['x-error-code']).toBe('RevisionNotFound');
  });

  it('gated models serve files to members only: anonymous 401, others 403, GatedRepo', async () => {
    const owner = await registerUser(hub);
    const org = await createOrg(hub, owner);
    const gated = await createModel(hub, owner, { namespace: org, visibility: 'gated' });
    await commit(hub, owner, gated.id, [put('secret.txt', 's')]);
    const anon = await hub.http().get(`/api/v1/models/${gated.id}/files/secret.txt`).expect(401);
    expect(anon.headers['x-error-code']).toBe('GatedRepo');
    const other = await registerUser(hub);
    const forbidden = await hub.http().head(`/api/v1/models/${gated.id}/files/secret.txt`).set(other.auth).expect(403);
    expect(forbidden.headers['x-error-code']).toBe('GatedRepo');
    // The tree is public.
    await hub.http().get(`/api/v1/models/${gated.id}/files`).expect(200);
    await hub.http().get(`/api/v1/models/${gated.id}/files/secret.txt`).set(owner.auth).expect(200);
    const [{ n }] = await hubSql<{ n: number }>(
      hub,
      `SELECT count(*)::int AS n FROM download_events e JOIN models m ON m.id = e.model_id WHERE m.name = $1`,
      gated.name,
    );
    expect(n).toBe(1);
  });

  it('private models are 404 RepoNotFound to others', async () => {
    const priv = await createModel(hub, alice, { visibility: 'private' });
    await commit(hub, alice, priv.id, [put('a.txt', 'a')]);
    const res = await hub.http().get(`/api/v1/models/${priv.id}/files/a.txt`).expect(404);
    expect(res.headers['x-error-code']).toBe('RepoNotFound');
  });
});

/** supertest: keep the body as a Buffer whatever the content type. */
function rawBody(res: request.Response, callback: (err: Error | null, body: Buffer) => void) {
  // In Node, superagent hands the parser the response stream itself.
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
  stream.on('end', () => callback(null, Buffer.concat(chunks)));
}
