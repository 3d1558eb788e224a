import { randomBytes } from 'node:crypto';
import { contentKey } from '../../apps/api/src/blobs/blob-keys';
import { BlobRepository } from '../../apps/api/src/blobs/blob.repository';
import { BlobService } from '../../apps/api/src/blobs/blob.service';
import { DownloadPermit } from '../../apps/api/src/models/download-permit';
import { HubException } from '../../apps/api/src/common/hub-exception';
import { ModelRepository } from '../../apps/api/src/models/model.repository';
import { ObjectStorage } from '../../apps/api/src/storage/object-storage';
import { registerUser, type TestUser } from '../support/factories';
import { lfsBatch, lfsRepo, sha256Hex, uploadLfsFile, uploadLfsObject } from '../support/lfs-client';
import { commit } from './commits-support';
import { createModel, hubSql } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';

/** A permit as ModelAccessService.authorizeDownload issues it, for BlobService's download functions. */
const permitFor = (blob: { sha256: string }) =>
  new DownloadPermit('test', { via: 'public' }, [
    { method: 'GET', path: 'f', revision: 'main', commitId: 'c', blobSha256: blob.sha256, route: 'file', issuesUrl: true },
  ]);

const code = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (err: unknown) => (err instanceof HubException ? `${err.getStatus()} ${err.code}` : String(err)),
  );

describe('BlobService', () => {
  let hub: TestHub;
  let blobs: BlobService;
  let storage: ObjectStorage;
  let alice: TestUser;

  beforeAll(async () => {
    hub = await startTestHub({ listen: true, env: { INLINE_BLOB_MAX_BYTES: '1024' } });
    blobs = hub.app.get(BlobService);
    storage = hub.app.get(ObjectStorage);
    alice = await registerUser(hub);
  });
  afterAll(() => hub.close());

  const modelId = async (m: { namespace: string; name: string }) => (await hub.app.get(ModelRepository).findByName(m.namespace, m.name, 'model'))!.id;
  const repoOf = (user: TestUser, model: { namespace: string; name: string }) => lfsRepo(hub.url!, model, user.jwt);

  it('stores small bytes inline and larger ones in the bucket, each once', async () => {
    const small = randomBytes(1024);
    const a = await blobs.storeBytes(small);
    expect(a).toEqual({ sha256: sha256Hex(small), size: 1024n, storageKey: null, inline: true });
    expect(await blobs.storeBytes(Buffer.from(small))).toEqual(a);
    expect((await hub.app.get(BlobRepository).readInline(a.sha256))!.equals(small)).toBe(true);

    const large = randomBytes(1025);
    const b = await blobs.storeBytes(large);
    expect(b).toEqual({ sha256: sha256Hex(large), size: 1025n, storageKey: contentKey(sha256Hex(large)), inline: false });
    expect(await blobs.storeBytes(large)).toEqual(b);
    expect(await hub.app.get(BlobRepository).readInline(b.sha256)).toBeNull();
    expect(await storage.head(b.storageKey!)).toMatchObject({ size: 1025 });
    const rows = await hubSql(hub, 'SELECT sha256 FROM blobs WHERE sha256 = ANY($1)', [a.sha256, b.sha256]);
    expect(rows).toHaveLength(2);
  });

  it('reads a model card committed through LFS from the bucket: metadata and search', async () => {
    const model = await createModel(hub, alice);
    const card = `---\nlicense: apache-2.0\npipeline_tag: translation\n---\n\n# Walrus\n\n${'Translates walrus songs into English. '.repeat(60)}`;
    expect(Buffer.byteLength(card)).toBeGreaterThan(1024); // over INLINE_BLOB_MAX_BYTES: in the bucket
    const { oid, size } = await uploadLfsFile(repoOf(alice, model), Buffer.from(card));
    await commit(hub, alice, model.id, [{ op: 'lfs', path: 'README.md', sha256: oid, size }], { summary: 'Card through LFS' });
    const info = await hub.http().get(`/api/models/${model.id}`).expect(200);
    expect(info.body).toMatchObject({ pipeline_tag: 'translation', cardData: { license: 'apache-2.0' } });
    const found = await hub.http().get('/api/v1/search').query({ q: 'walrus songs' }).expect(200);
    expect(found.body.items.map((m: { id: string }) => m.id)).toEqual([model.id]);
    expect(await blobs.readPrefix(oid, 10)).toEqual(Buffer.from(card.slice(0, 10)));
  });

  it('stores many contents at once, in order, each once', async () => {
    const small = randomBytes(10);
    const contents = [small, randomBytes(1024), Buffer.from(small), randomBytes(5000), Buffer.alloc(0)];
    const known = await blobs.storeBytes(contents[1]);
    const refs = await blobs.storeBytesMany(contents);
    expect(refs.map((r) => r.sha256)).toEqual(contents.map(sha256Hex));
    expect(refs.map((r) => r.inline)).toEqual([true, true, true, false, true]);
    expect(refs[1]).toEqual(known);
    expect((await hub.app.get(BlobRepository).readInline(refs[0].sha256))!.equals(small)).toBe(true);
    expect((await hub.app.get(BlobRepository).readInline(refs[4].sha256))!.length).toBe(0);
    expect(await storage.head(contentKey(refs[3].sha256))).toMatchObject({ size: 5000 });
    const rows = await hubSql(
      hub,
      'SELECT sha256 FROM blobs WHERE sha256 = ANY($1)',
      refs.map((r) => r.sha256),
    );
    expect(rows).toHaveLength(4);
    expect(await blobs.storeBytesMany([])).toEqual([]);
  });

  it('presigns downloads that honour Range and name the file', async () => {
    const bytes = randomBytes(4096);
    const ref = await blobs.storeBytes(bytes);
    const url = await blobs.presignDownload(permitFor(ref), ref, { filename: 'model wéights.bin' });
    const full = await fetch(url);
    expect(full.status).toBe(200);
    expect(full.headers.get('content-disposition')).toContain(`filename*=UTF-8''model%20w%C3%A9ights.bin`);
    expect(Buffer.from(await full.arrayBuffer()).equals(bytes)).toBe(true);
    const part = await fetch(url, { headers: { Range: 'bytes=1000-1999' } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(1000, 2000))).toBe(true);
    await expect(blobs.presignDownload(permitFor(ref), { ...ref, storageKey: null, inline: true }, { filename: 'x' })).rejects.toThrow(/inline/);
    // A permit serves only the blobs its decision covered.
    await expect(blobs.presignDownload(permitFor({ sha256: '0'.repeat(64) }), ref)).rejects.toThrow(/does not cover/);
  });

  it('requireStored: a hash alone gets nothing, not even for bytes the hub has', async () => {
    const model = await createModel(hub, alice);
    const ctx = { modelId: await modelId(model), userId: alice.id };
    expect(await code(blobs.requireStored('xyz', undefined, ctx))).toBe('400 invalid_oid');
    expect(await code(blobs.requireStored(sha256Hex('never uploaded'), undefined, ctx))).toBe('400 blob_not_uploaded');
    // Bytes stored for someone else (inline or in the bucket) are not this model's to name.
    const other = await blobs.storeBytes(randomBytes(2000));
    expect(await code(blobs.requireStored(other.sha256, other.size, ctx))).toBe('400 blob_not_uploaded');
  });

  it('requireStored: verifies the pending upload of this model, checks the size, and is then satisfied', async () => {
    const model = await createModel(hub, alice);
    const ctx = { modelId: await modelId(model), userId: alice.id };
    const bytes = randomBytes(3000);
    const up = await uploadLfsObject(repoOf(alice, model), bytes, { verify: false });
    expect(await code(blobs.requireStored(up.oid, 2999n, ctx))).toBe('400 blob_mismatch'); // the declared size is wrong
    const ref = await blobs.requireStored(up.oid, 3000n, ctx);
    expect(ref).toEqual({ sha256: up.oid, size: 3000n, storageKey: contentKey(up.oid), inline: false });
    expect(await blobs.requireStored(up.oid, undefined, ctx)).toEqual(ref);
    // Another model of the same user is another matter.
    const second = await createModel(hub, alice);
    expect(await code(blobs.requireStored(up.oid, undefined, { modelId: await modelId(second), userId: alice.id }))).toBe('400 blob_not_uploaded');
  });

  it('requireStored: concurrent commits naming one pending upload verify it once and both succeed', async () => {
    const model = await createModel(hub, alice);
    const ctx = { modelId: await modelId(model), userId: alice.id };
    const bytes = randomBytes(4 * 1024 * 1024);
    const up = await uploadLfsObject(repoOf(alice, model), bytes, { verify: false });
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => blobs.requireStored(up.oid, BigInt(bytes.length), ctx)));
    expect(new Set(results.map((r) => r.storageKey))).toEqual(new Set([contentKey(up.oid)]));
    const rows = await hubSql<{ status: string }>(hub, 'SELECT status::text FROM uploads WHERE sha256 = $1', up.oid);
    expect(rows).toEqual([{ status: 'completed' }]);
  });
});

describe('presigned URLs with S3_PUBLIC_ENDPOINT', () => {
  it('are signed for the public address clients use', async () => {
    const hub = await startTestHub({ listen: true, env: { S3_PUBLIC_ENDPOINT: 'https://s3.public.example' } });
    try {
      const user = await registerUser(hub);
      const model = await createModel(hub, user);
      const blobs = hub.app.get(BlobService);
      const ref = await blobs.storeBytes(randomBytes(2 * 1024 * 1024));
      expect(await blobs.presignDownload(permitFor(ref), ref, { filename: 'a.bin' })).toMatch(/^https:\/\/s3\.public\.example\/t-[0-9a-f]+\/blobs\/sha256\//);
      const batch = await lfsBatch(lfsRepo(hub.url!, model, user.jwt), 'upload', [{ oid: sha256Hex('z'), size: 1 }]);
      expect(batch.body.objects![0].actions!.upload!.href).toMatch(/^https:\/\/s3\.public\.example\/t-[0-9a-f]+\/uploads\//);
      // The hub itself still talks to the internal endpoint.
      expect(await hub.app.get(ObjectStorage).head(ref.storageKey!)).not.toBeNull();
    } finally {
      await hub.close();
    }
  });
});
