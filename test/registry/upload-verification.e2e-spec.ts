import { randomBytes } from 'node:crypto';
import { UploadVerifier } from '../../apps/api/src/blobs/upload-verifier.service';
import { type EmbeddedStoreHub, startEmbeddedStoreHub } from '../support/embedded-store-hub';
import { registerUser, type TestUser } from '../support/factories';
import { LFS_MEDIA_TYPE, lfsBatch, lfsRepo, sha256Hex, uploadLfsObject } from '../support/lfs-client';
import { createModel } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';

/**
 * Upload verification without a second read (issue 16): in embedded mode a single PUT is hashed
 * as it passes through the storage gateway, so the verify call commits the blob without reading
 * the staged object back; wrong bytes are refused on that hash; the record survives a restart.
 */
describe('upload verification in the stream (embedded store)', () => {
  let hub: EmbeddedStoreHub;
  let alice: TestUser;
  let model: { namespace: string; name: string };
  const readBacks = () => hub.app.get(UploadVerifier).readBacks;
  const repo = () => lfsRepo(hub.url, model, alice.jwt);

  beforeAll(async () => {
    hub = await startEmbeddedStoreHub({ MULTIPART_THRESHOLD: String(5 * 1024 * 1024), MULTIPART_CHUNK_SIZE: String(5 * 1024 * 1024) });
    alice = await registerUser(hub, 'verifyalice');
    model = await createModel(hub, alice, { name: 'stream-verified' });
  });
  afterAll(() => hub?.close());

  const commit = (oid: string, size: number, path = 'model.bin') =>
    hub
      .http()
      .post(`/api/models/${model.namespace}/${model.name}/commit/main`)
      .set(alice.auth)
      .set('Content-Type', 'application/x-ndjson')
      .send(
        [
          { key: 'header', value: { summary: `add ${path}` } },
          { key: 'lfsFile', value: { path, algo: 'sha256', oid, size } },
        ]
          .map((l) => JSON.stringify(l))
          .join('\n'),
      );

  it('verifies a single PUT from the hash taken in the stream, with no read-back, and the blob is committable', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 5);
    const before = readBacks();
    const up = await uploadLfsObject(repo(), bytes, { transfers: ['basic'] });
    expect(up.transfer).toBe('basic');
    expect(up.confirm).toEqual({ status: 200, body: { oid: sha256Hex(bytes), size: bytes.length } });
    expect(readBacks()).toBe(before);
    await commit(up.oid, up.size).expect(200);
    const download = await fetch(`${hub.url}/${model.namespace}/${model.name}/resolve/main/model.bin`, { headers: alice.auth });
    expect(sha256Hex(Buffer.from(await download.arrayBuffer()))).toBe(up.oid);
  });

  it('refuses a single PUT of wrong bytes on the hash taken in the stream, and the object is never committable', async () => {
    const claimed = randomBytes(1024 * 1024);
    const sent = randomBytes(claimed.length);
    const before = readBacks();
    const up = await uploadLfsObject(repo(), sent, { transfers: ['basic'], oid: sha256Hex(claimed), size: claimed.length });
    expect(up.confirm?.status).toBe(400);
    expect(up.confirm?.body.code).toBe('blob_mismatch');
    expect(readBacks()).toBe(before);
    const refused = await commit(sha256Hex(claimed), claimed.length, 'wrong.bin');
    expect(refused.status).toBe(400);
    expect(readBacks()).toBe(before);
  });

  it('a second PUT of the same upload replaces the recorded hash: the last bytes stored are the ones judged', async () => {
    const good = randomBytes(512 * 1024);
    const oid = sha256Hex(good);
    const batch = await lfsBatch(repo(), 'upload', [{ oid, size: good.length }], { transfers: ['basic'] });
    const { upload, verify } = batch.body.objects![0].actions!;
    expect((await fetch(upload!.href, { method: 'PUT', body: good })).status).toBe(200);
    // The same URL, other bytes of the same length, after the good ones.
    expect((await fetch(upload!.href, { method: 'PUT', body: randomBytes(good.length) })).status).toBe(200);
    const before = readBacks();
    const v = await fetch(verify!.href, {
      method: 'POST',
      headers: { Accept: LFS_MEDIA_TYPE, 'Content-Type': LFS_MEDIA_TYPE, ...alice.auth },
      body: JSON.stringify({ oid, size: good.length }),
    });
    expect(v.status).toBe(400);
    expect(((await v.json()) as { code: string }).code).toBe('blob_mismatch');
    expect(readBacks()).toBe(before);
  });

  it('keeps the hash recorded across a restart between the PUT and the verification', async () => {
    const bytes = randomBytes(2 * 1024 * 1024);
    const up = await uploadLfsObject(repo(), bytes, { transfers: ['basic'], verify: false });
    expect(up.outcome).toBe('uploaded');
    await hub.stop();
    hub = await startEmbeddedStoreHub(
      { MULTIPART_THRESHOLD: String(5 * 1024 * 1024), MULTIPART_CHUNK_SIZE: String(5 * 1024 * 1024) },
      { dataDir: hub.dataDir, databaseUrl: hub.databaseUrl },
    );
    await commit(up.oid, up.size, 'after-restart.bin').expect(200);
    expect(readBacks()).toBe(0);
  });

  it('still reads multipart uploads back, and refuses wrong parts', async () => {
    const claimed = randomBytes(6 * 1024 * 1024);
    const sent = randomBytes(claimed.length);
    const before = readBacks();
    const up = await uploadLfsObject(repo(), sent, { oid: sha256Hex(claimed), size: claimed.length });
    expect(up.transfer).toBe('multipart');
    expect(up.confirm?.status).toBe(400);
    expect(up.confirm?.body.code).toBe('blob_mismatch');
    expect(readBacks()).toBe(before + 1);
    const good = await uploadLfsObject(repo(), claimed);
    expect(good.confirm?.status).toBe(200);
    expect(readBacks()).toBe(before + 2);
  });
});

/**
 * External S3: with S3_CHECKSUM_SHA256 the single-PUT URL signs x-amz-checksum-sha256, which the
 * client must send and the service checks, so nothing is read back; without it the hub reads the
 * object back. s3rver checks neither signatures nor checksums, so the refusal itself is S3's and
 * not tested here: what is tested is the signed header, the action header, and the read-back kept.
 */
describe.each([
  { checksum: true, readBack: 0 },
  { checksum: false, readBack: 1 },
])('upload verification with an external S3 (S3_CHECKSUM_SHA256=$checksum)', ({ checksum, readBack }) => {
  let hub: TestHub;
  let alice: TestUser;
  let model: { namespace: string; name: string };

  beforeAll(async () => {
    hub = await startTestHub({ listen: true, env: { S3_CHECKSUM_SHA256: String(checksum) } });
    alice = await registerUser(hub, `s3alice${checksum}`);
    model = await createModel(hub, alice, { name: 'checksummed' });
  });
  afterAll(() => hub?.close());

  it(checksum ? 'signs the sha256 into the PUT URL and trusts the service' : 'reads the object back', async () => {
    const bytes = randomBytes(256 * 1024);
    const oid = sha256Hex(bytes);
    const batch = await lfsBatch(lfsRepo(hub.url!, model, alice.jwt), 'upload', [{ oid, size: bytes.length }], { transfers: ['basic'] });
    const upload = batch.body.objects![0].actions!.upload!;
    const signedHeaders = new URL(upload.href).searchParams.get('X-Amz-SignedHeaders')!.split(';');
    if (checksum) {
      expect(signedHeaders).toContain('x-amz-checksum-sha256');
      expect(upload.header).toEqual({ 'x-amz-checksum-sha256': Buffer.from(oid, 'hex').toString('base64') });
    } else {
      expect(signedHeaders).not.toContain('x-amz-checksum-sha256');
      expect(upload.header).toBeUndefined();
    }
    const before = hub.app.get(UploadVerifier).readBacks;
    const up = await uploadLfsObject(lfsRepo(hub.url!, model, alice.jwt), bytes, { transfers: ['basic'] });
    expect(up.confirm?.status).toBe(200);
    expect(hub.app.get(UploadVerifier).readBacks - before).toBe(readBack);
  });
});
