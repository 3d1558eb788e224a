import { randomBytes } from 'node:crypto';
import { contentKey } from '../../apps/api/src/blobs/blob-keys';
import { ObjectStorage } from '../../apps/api/src/storage/object-storage';
import { createOrg, createToken, registerUser, type TestUser } from '../support/factories';
import { completeMultipart, lfsBatch, lfsRepo, LFS_MEDIA_TYPE, putParts, sha256Hex, uploadLfsFile, uploadLfsObject } from '../support/lfs-client';
import { createModel, hubSql } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';

const MiB = 1024 * 1024;

describe('git-lfs batch API', () => {
  let hub: TestHub;
  let storage: ObjectStorage;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    hub = await startTestHub({
      listen: true,
      env: { MULTIPART_THRESHOLD: String(8 * MiB), MULTIPART_CHUNK_SIZE: String(5 * MiB), MAX_FILE_SIZE: String(200 * MiB) },
    });
    storage = hub.app.get(ObjectStorage);
    alice = await registerUser(hub);
    bob = await registerUser(hub);
  });
  afterAll(() => hub.close());

  const repoOf = (user: TestUser, model: { namespace: string; name: string }) => lfsRepo(hub.url!, model, user.jwt);
  const blobRows = (sha: string) =>
    hubSql<{ sha256: string; size: bigint; storage_key: string | null }>(hub, 'SELECT sha256, size, storage_key FROM blobs WHERE sha256 = $1', sha);
  const uploadRows = (sha: string) =>
    hubSql<{ status: string; staging_key: string }>(hub, 'SELECT status::text, staging_key FROM uploads WHERE sha256 = $1 ORDER BY created_at', sha);
  const commitLfs = (user: TestUser, model: { namespace: string; name: string }, path: string, oid: string, size: number) =>
    hub
      .http()
      .post(`/api/v1/models/${model.namespace}/${model.name}/commits`)
      .set(user.auth)
      .send({ summary: `add ${path}`, operations: [{ op: 'lfs', path, sha256: oid, size }] });

  it('uploads a 50 MiB file through presigned multipart parts and a signed, single-use completion URL', async () => {
    const model = await createModel(hub, alice);
    const bytes = randomBytes(50 * MiB);
    const oid = sha256Hex(bytes);

    const batch = await lfsBatch(repoOf(alice, model), 'upload', [{ oid, size: bytes.length }]);
    expect(batch.status).toBe(200);
    expect(batch.contentType).toContain(LFS_MEDIA_TYPE);
    expect(batch.body).toMatchObject({ transfer: 'multipart', hash_algo: 'sha256' });
    const object = batch.body.objects![0];
    expect(object).toMatchObject({ oid, size: bytes.length, authenticated: true });
    const upload = object.actions!.upload!;
    expect(upload.header!.chunk_size).toBe(String(5 * MiB));
    expect(Object.keys(upload.header!).filter((k) => /^\d+$/.test(k))).toEqual([
      '00001',
      '00002',
      '00003',
      '00004',
      '00005',
      '00006',
      '00007',
      '00008',
      '00009',
      '00010',
    ]);
    expect(upload.href).toMatch(/\/api\/blobs\/uploads\/[0-9a-f-]{36}\/complete\?token=/);
    // The part URLs go to the bucket: the bytes never pass through the hub.
    expect(upload.header!['00001']).toContain(hub.config.s3.endpoint);

    const parts = await putParts(upload, bytes);
    expect((await blobRows(oid)).length).toBe(0); // nothing is a blob before the hub has read it back

    // The signature binds the URL: another token, or none, is refused.
    const forged = upload.href.replace(/token=[^&]+/, 'token=' + encodeURIComponent(`${Math.floor(Date.now() / 1000) + 3600}.${'A'.repeat(43)}`));
    expect((await completeMultipart(forged, { oid, parts })).status).toBe(403);
    expect((await completeMultipart(upload.href.replace(/\?token=.*$/, ''), { oid, parts })).status).toBe(403);
    expect((await completeMultipart(upload.href, { oid: sha256Hex('other'), parts })).status).toBe(400);
    expect((await completeMultipart(upload.href, { oid, parts: parts.slice(1) })).status).toBe(400);

    const t0 = Date.now();
    const done = await completeMultipart(upload.href, { oid, parts });
    expect(done).toMatchObject({ status: 200, body: { oid, size: bytes.length } });
    console.log(`50 MiB multipart completion (complete + read back + sha256 + copy): ${Date.now() - t0} ms`);

    const [blob] = await blobRows(oid);
    expect(blob).toMatchObject({ sha256: oid, storage_key: contentKey(oid) });
    expect(Number(blob.size)).toBe(bytes.length);
    expect(await storage.head(contentKey(oid))).toMatchObject({ size: bytes.length });
    const [row] = await uploadRows(oid);
    expect(row.status).toBe('completed');
    expect(await storage.head(row.staging_key)).toBeNull();

    // Single use.
    const again = await completeMultipart(upload.href, { oid, parts });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('upload_already_completed');

    // A commit can now name it, and the bytes come back intact.
    const commit = await commitLfs(alice, model, 'weights.bin', oid, bytes.length);
    expect(commit.status).toBe(201);
    const down = await lfsBatch(repoOf(alice, model), 'download', [{ oid, size: bytes.length }]);
    const href = down.body.objects![0].actions!.download!.href;
    const res = await fetch(href, { headers: { Range: `bytes=${bytes.length - 1000}-` } });
    expect(res.status).toBe(206);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes.subarray(bytes.length - 1000))).toBe(true);
  });

  it('refuses multipart bytes that do not match their sha256: nothing stored, staged object deleted', async () => {
    const model = await createModel(hub, alice);
    const declared = randomBytes(9 * MiB);
    const sent = Buffer.from(declared);
    sent[123] ^= 0xff;
    const oid = sha256Hex(declared);
    const up = await uploadLfsObject(repoOf(alice, model), sent, { oid });
    expect(up.transfer).toBe('multipart');
    expect(up.confirm).toMatchObject({ status: 400, body: { code: 'blob_mismatch' } });
    expect(await blobRows(oid)).toEqual([]);
    const [row] = await uploadRows(oid);
    expect(row.status).toBe('failed');
    expect(await storage.head(row.staging_key)).toBeNull();
    expect(await storage.head(contentKey(oid))).toBeNull();
    // The URL is spent: a retry must start over through the batch API.
    expect((await completeMultipart(up.completionUrl!, { oid, parts: up.parts! })).status).toBe(410);
    expect((await commitLfs(alice, model, 'bad.bin', oid, declared.length)).body.code).toBe('blob_not_uploaded');
  });

  it('verifies a single PUT through the verify action, and refuses bytes that do not match', async () => {
    const model = await createModel(hub, alice);
    const bytes = randomBytes(2 * MiB);
    const ok = await uploadLfsObject(repoOf(alice, model), bytes);
    expect(ok.transfer).toBe('basic');
    expect(ok.object.actions!.verify).toMatchObject({
      href: `${hub.url}/${model.namespace}/${model.name}.git/info/lfs/objects/verify`,
      header: { Authorization: `Bearer ${alice.jwt}` },
    });
    expect(ok.confirm).toMatchObject({ status: 200, body: { oid: ok.oid, size: bytes.length } });
    expect(await blobRows(ok.oid)).toHaveLength(1);
    expect(await storage.head(contentKey(ok.oid))).toMatchObject({ size: bytes.length });
    // Verifying again is harmless.
    const again = await hub
      .http()
      .post(`/${model.namespace}/${model.name}.git/info/lfs/objects/verify`)
      .set(alice.auth)
      .send({ oid: ok.oid, size: bytes.length });
    expect(again.status).toBe(200);

    const declared = randomBytes(MiB);
    const oid = sha256Hex(declared);
    const bad = await uploadLfsObject(repoOf(alice, model), randomBytes(MiB), { oid });
    expect(bad.confirm).toMatchObject({ status: 400, body: { code: 'blob_mismatch' } });
    expect(await blobRows(oid)).toEqual([]);
    const [row] = await uploadRows(oid);
    expect(row.status).toBe('failed');
    expect(await storage.head(row.staging_key)).toBeNull();
  });

  it('verifies a single PUT when the commit names it (the JS client never calls verify)', async () => {
    const model = await createModel(hub, alice);
    const bytes = randomBytes(3 * MiB);
    const up = await uploadLfsObject(repoOf(alice, model), bytes, { verify: false });
    expect(await blobRows(up.oid)).toEqual([]);
    expect((await commitLfs(alice, model, 'w.bin', up.oid, bytes.length)).status).toBe(201);
    expect(await blobRows(up.oid)).toHaveLength(1);

    const declared = randomBytes(MiB);
    const wrong = await uploadLfsObject(repoOf(alice, model), randomBytes(MiB), { oid: sha256Hex(declared), verify: false });
    const refused = await commitLfs(alice, model, 'x.bin', wrong.oid, declared.length);
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('blob_mismatch');
    expect(await blobRows(wrong.oid)).toEqual([]);
  });

  it('makes a caller who cannot read a model holding the bytes upload them, then stores them once', async () => {
    const secret = await createModel(hub, alice, { visibility: 'private' });
    const bytes = randomBytes(MiB + 17);
    const { oid, size } = await uploadLfsFile(repoOf(alice, secret), bytes);
    expect((await commitLfs(alice, secret, 'secret.bin', oid, size)).status).toBe(201);

    // Alice herself skips the upload: her model holds the bytes.
    const own = await createModel(hub, alice, { visibility: 'private' });
    const skip = await lfsBatch(repoOf(alice, own), 'upload', [{ oid, size }]);
    expect(skip.body.objects![0]).toEqual({ oid, size, authenticated: true });
    expect((await commitLfs(alice, own, 'copy.bin', oid, size)).status).toBe(201);

    // Bob knows the hash but cannot read the private model: he must upload, exactly as for unknown bytes.
    const bobs = await createModel(hub, bob);
    const unknownOid = sha256Hex(randomBytes(16));
    const asked = await lfsBatch(repoOf(bob, bobs), 'upload', [
      { oid, size },
      { oid: unknownOid, size },
    ]);
    const [known, unknown] = asked.body.objects!;
    expect(Object.keys(known.actions!).sort()).toEqual(Object.keys(unknown.actions!).sort());
    expect(known.actions!.upload!.href).toBeDefined();
    // Committing the hash without uploading is refused like an unknown hash.
    const guessed = await commitLfs(bob, bobs, 'stolen.bin', oid, size);
    expect(guessed.status).toBe(400);
    expect(guessed.body.code).toBe('blob_not_uploaded');

    // When he does have the bytes, the hub verifies and deduplicates: still one blob, one object.
    await uploadLfsFile(repoOf(bob, bobs), bytes);
    expect((await commitLfs(bob, bobs, 'mine.bin', oid, size)).status).toBe(201);
    expect(await blobRows(oid)).toHaveLength(1);
    const objects = (await storage.list('blobs/')).filter((o) => o.key.endsWith(oid));
    expect(objects).toEqual([expect.objectContaining({ key: contentKey(oid), size })]);
    for (const row of await uploadRows(oid)) expect(await storage.head(row.staging_key)).toBeNull();
  });

  it('skips the upload for a caller who can read another model holding the bytes, and lets them commit it', async () => {
    const pub = await createModel(hub, alice, { visibility: 'public' });
    const bytes = randomBytes(MiB + 5);
    const { oid, size } = await uploadLfsFile(repoOf(alice, pub), bytes);
    expect((await commitLfs(alice, pub, 'public.bin', oid, size)).status).toBe(201);

    const bobs = await createModel(hub, bob);
    const skip = await lfsBatch(repoOf(bob, bobs), 'upload', [{ oid, size }]);
    expect(skip.body.objects![0]).toEqual({ oid, size, authenticated: true });
    expect((await commitLfs(bob, bobs, 'reused.bin', oid, size)).status).toBe(201);
  });

  it('stores identical bytes uploaded to two models once', async () => {
    const m1 = await createModel(hub, alice, { visibility: 'private' });
    const m2 = await createModel(hub, bob, { visibility: 'private' });
    const bytes = randomBytes(12 * MiB);
    const a = await uploadLfsObject(repoOf(alice, m1), bytes);
    const b = await uploadLfsObject(repoOf(bob, m2), bytes);
    expect([a.transfer, b.transfer]).toEqual(['multipart', 'multipart']);
    expect([a.confirm?.status, b.confirm?.status]).toEqual([200, 200]);
    expect((await commitLfs(alice, m1, 'a.bin', a.oid, bytes.length)).status).toBe(201);
    expect((await commitLfs(bob, m2, 'b.bin', b.oid, bytes.length)).status).toBe(201);
    expect(await blobRows(a.oid)).toHaveLength(1);
    expect((await storage.list('blobs/')).filter((o) => o.key.endsWith(a.oid))).toHaveLength(1);
  });

  it('answers per-object errors for bad ids and sizes, and request errors as 4xx', async () => {
    const model = await createModel(hub, alice);
    const repo = repoOf(alice, model);
    const good = sha256Hex('x');
    const res = await lfsBatch(repo, 'upload', [
      { oid: 'not-a-sha', size: 1 },
      { oid: good.toUpperCase(), size: 1 },
      { oid: good, size: -1 },
      { oid: good, size: 201 * MiB },
      { oid: good, size: 1 },
    ]);
    expect(res.status).toBe(200);
    const [badOid, upper, badSize, tooBig, ok] = res.body.objects!;
    expect(badOid.error).toMatchObject({ code: 422, message: expect.stringContaining('Invalid object id') });
    expect(upper.error).toMatchObject({ code: 422 });
    expect(badSize.error).toMatchObject({ code: 422, message: expect.stringContaining('Invalid size') });
    expect(tooBig.error).toMatchObject({ code: 422, message: expect.stringContaining('MAX_FILE_SIZE') });
    expect(ok.actions!.upload).toBeDefined();

    expect((await lfsBatch(repo, 'upload', [{ oid: good, size: 1 }], { hashAlgo: 'md5' })).status).toBe(409);
    expect((await lfsBatch(repo, 'upload', [{ oid: good, size: 1 }], { hashAlgo: 'sha_256' })).status).toBe(200);
    const xetOnly = await lfsBatch(repo, 'upload', [{ oid: good, size: 1 }], { transfers: ['xet'] });
    expect(xetOnly.status).toBe(422);
    const withXet = await lfsBatch(repo, 'upload', [{ oid: good, size: 20 * MiB }], { transfers: ['basic', 'multipart', 'xet'] });
    expect(withXet.body.transfer).toBe('multipart');
    // Without the multipart transfer, a large object is a single PUT.
    const basicOnly = await lfsBatch(repo, 'upload', [{ oid: good, size: 20 * MiB }], { transfers: ['basic'] });
    expect(basicOnly.body).toMatchObject({ transfer: 'basic', objects: [{ actions: { upload: { href: expect.any(String) } } }] });
    expect(basicOnly.body.objects![0].actions!.upload!.header).toBeUndefined();

    const malformed = await fetch(`${hub.url}/${model.namespace}/${model.name}.git/info/lfs/objects/batch`, {
      method: 'POST',
      headers: { 'Content-Type': LFS_MEDIA_TYPE, Authorization: `Bearer ${alice.jwt}` },
      body: '{"operation": ',
    });
    expect(malformed.status).toBe(400);
    expect((await lfsBatch(repo, 'delete' as 'upload', [])).status).toBe(400);
  });

  it('needs write access to upload and read access to download', async () => {
    const org = await createOrg(hub, alice);
    const pub = await createModel(hub, alice, { namespace: org });
    const priv = await createModel(hub, alice, { namespace: org, visibility: 'private' });
    const obj = [{ oid: sha256Hex('y'), size: 1 }];
    const anon = (m: { namespace: string; name: string }) => lfsRepo(hub.url!, m);

    expect((await lfsBatch(anon(pub), 'upload', obj)).status).toBe(401);
    // A non-member may upload to a public model: a proposal's objects (docs/proposals.md), unless the organization keeps proposals to members.
    expect((await lfsBatch(repoOf(bob, pub), 'upload', obj)).status).toBe(200);
    await hub.http().put(`/api/v1/orgs/${org}/proposal-settings`).set(alice.auth).send({ whoMayPropose: 'members', requiredApprovals: 0 }).expect(200);
    expect((await lfsBatch(repoOf(bob, pub), 'upload', obj)).status).toBe(403);
    expect((await lfsBatch(repoOf(bob, priv), 'upload', obj)).status).toBe(404);
    expect((await lfsBatch(anon(priv), 'download', obj)).status).toBe(404);
    const readOnly = await createToken(hub, alice, ['read']);
    expect((await lfsBatch({ ...repoOf(alice, pub), token: readOnly }, 'upload', obj)).status).toBe(403);

    // Download of a public model's object, anonymously.
    const bytes = randomBytes(100);
    const { oid, size } = await uploadLfsFile(repoOf(alice, pub), bytes);
    expect((await commitLfs(alice, pub, 'small.bin', oid, size)).status).toBe(201);
    const down = await lfsBatch(anon(pub), 'download', [
      { oid, size },
      { oid: sha256Hex('nope'), size: 4 },
    ]);
    expect(down.status).toBe(200);
    expect(down.body.objects![1].error).toMatchObject({ code: 404 });
    const got = await fetch(down.body.objects![0].actions!.download!.href);
    expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);
    // ...but not of someone else's model that does not hold it.
    const bobs = await createModel(hub, bob);
    const elsewhere = await lfsBatch(repoOf(bob, bobs), 'download', [{ oid, size }]);
    expect(elsewhere.body.objects![0].error).toMatchObject({ code: 404 });
  });
});
