import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { request } from 'node:http';
import path from 'node:path';
import { UploadVerifier } from '../../apps/api/src/blobs/upload-verifier.service';
import { ObjectStorage } from '../../apps/api/src/storage/object-storage';
import { type EmbeddedStoreHub, startEmbeddedStoreHub } from '../support/embedded-store-hub';
import { registerUser, type TestUser } from '../support/factories';
import { completeMultipart, LFS_MEDIA_TYPE, lfsBatch, lfsRepo, sha256Hex, uploadLfsObject } from '../support/lfs-client';
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

  describe('multipart uploads, hashed in part order as the parts land', () => {
    const PART = 5 * 1024 * 1024;
    const partsOf = (bytes: Buffer) => Array.from({ length: Math.ceil(bytes.length / PART) }, (_, i) => bytes.subarray(i * PART, (i + 1) * PART));

    /** A multipart batch for `bytes` (or a claimed oid), and a PUT of any part with any bytes. */
    async function startMultipart(bytes: Buffer, oid = sha256Hex(bytes)) {
      const batch = await lfsBatch(repo(), 'upload', [{ oid, size: bytes.length }]);
      const upload = batch.body.objects![0].actions!.upload!;
      expect(upload.header?.chunk_size).toBe(String(PART));
      const partUrl = (partNumber: number) => upload.header![String(partNumber).padStart(5, '0')];
      const put = async (partNumber: number, body: Buffer) => {
        const res = await fetch(partUrl(partNumber), { method: 'PUT', body: body as unknown as Uint8Array<ArrayBuffer> });
        expect(res.status).toBe(200);
        return { partNumber, etag: res.headers.get('etag')! };
      };
      const complete = (parts: { partNumber: number; etag: string }[]) => completeMultipart(upload.href, { oid, parts });
      // The staging key and the store's upload id, from a part URL (/_storage/<key>?uploadId=..).
      const url = new URL(partUrl(1));
      const key = decodeURIComponent(url.pathname.slice('/_storage/'.length));
      const uploadId = url.searchParams.get('uploadId')!;
      const folder = path.join(hub.dataDir, 's3', hub.config.s3.bucket, '._S3rver_uploads', uploadId);
      return { put, partUrl, complete, completionUrl: upload.href, key, uploadId, files: () => fs.readdir(folder).catch(() => null) };
    }

    /** A PUT of a part whose answer is not checked (refusals are what is tested). */
    const rawPut = async (url: string, body: Buffer) => {
      const res = await fetch(url, { method: 'PUT', body: body as unknown as Uint8Array<ArrayBuffer> });
      return { status: res.status, text: await res.text() };
    };

    const download = async (path: string, range?: string) => {
      const res = await fetch(`${hub.url}/${model.namespace}/${model.name}/resolve/main/${path}`, {
        headers: { ...alice.auth, ...(range ? { Range: range } : {}) },
      });
      return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
    };

    it('completes parts sent in order without reading the object back; the blob downloads whole and by range', async () => {
      const bytes = randomBytes(2 * PART + 12345);
      const before = readBacks();
      const mp = await startMultipart(bytes);
      const parts = [];
      for (const [i, part] of partsOf(bytes).entries()) parts.push(await mp.put(i + 1, part));
      // Each part written in place in the one assembled file, nothing to concatenate.
      expect((await mp.files())!.sort()).toEqual(['1.at', '2.at', '3.at', 'hub-assembled', 'key', 'metadata']);
      expect(await mp.complete(parts)).toEqual({ status: 200, body: { oid: sha256Hex(bytes), size: bytes.length } });
      expect(readBacks()).toBe(before);
      await commit(sha256Hex(bytes), bytes.length, 'in-order.bin').expect(200);
      expect(sha256Hex((await download('in-order.bin')).bytes)).toBe(sha256Hex(bytes));
      const range = await download('in-order.bin', `bytes=${PART - 10}-${PART + 9}`);
      expect(range.status).toBe(206);
      expect(range.bytes.equals(bytes.subarray(PART - 10, PART + 10))).toBe(true);
    });

    it('hashes parts that land out of order once their predecessors have, still with no read-back', async () => {
      const bytes = randomBytes(3 * PART + 1);
      const before = readBacks();
      const mp = await startMultipart(bytes);
      const chunks = partsOf(bytes);
      const parts = [await mp.put(4, chunks[3]), await mp.put(2, chunks[1]), await mp.put(3, chunks[2]), await mp.put(1, chunks[0])];
      expect((await mp.complete(parts)).status).toBe(200);
      expect(readBacks()).toBe(before);
      await commit(sha256Hex(bytes), bytes.length, 'out-of-order.bin').expect(200);
      expect(sha256Hex((await download('out-of-order.bin')).bytes)).toBe(sha256Hex(bytes));
    });

    it('a part retried with other bytes replaces what was hashed from it: the last bytes sent are the ones judged', async () => {
      const bytes = randomBytes(2 * PART + 7);
      const chunks = partsOf(bytes);
      const before = readBacks();
      // Part 1 first with wrong bytes (hashed, then rewound by the retry), then right.
      const good = await startMultipart(bytes);
      await good.put(1, randomBytes(PART));
      const goodParts = [await good.put(2, chunks[1]), await good.put(3, chunks[2]), await good.put(1, chunks[0])];
      expect((await good.complete(goodParts)).status).toBe(200);
      expect(readBacks()).toBe(before);

      // Part 2 right first, then wrong bytes of the same length: refused on the streamed hash.
      const other = randomBytes(2 * PART + 7);
      const bad = await startMultipart(other);
      const otherChunks = partsOf(other);
      await bad.put(2, otherChunks[1]);
      const badParts = [await bad.put(1, otherChunks[0]), await bad.put(3, otherChunks[2]), await bad.put(2, randomBytes(PART))];
      const refused = await bad.complete(badParts);
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('blob_mismatch');
      expect(readBacks()).toBe(before);
      await commit(sha256Hex(bytes), bytes.length, 'retried.bin').expect(200);
      expect(sha256Hex((await download('retried.bin')).bytes)).toBe(sha256Hex(bytes));
    });

    it('a part cut halfway leaves the hash intact: sent again whole, the upload completes with no read-back', async () => {
      const bytes = randomBytes(PART + 1000);
      const chunks = partsOf(bytes);
      const before = readBacks();
      const mp = await startMultipart(bytes);
      // Part 1 (the next to hash, so followed as it arrives) announced whole, cut after half of it.
      const url = new URL(mp.partUrl(1));
      await new Promise<void>((resolve) => {
        const req = request(url, { method: 'PUT', headers: { 'Content-Length': String(PART) } });
        req.on('error', () => resolve());
        req.on('response', () => resolve());
        req.write(chunks[0].subarray(0, PART / 2), () => setTimeout(() => req.destroy(), 200));
      });
      const parts = [await mp.put(1, chunks[0]), await mp.put(2, chunks[1])];
      expect((await mp.complete(parts)).status).toBe(200);
      expect(readBacks()).toBe(before);
      await commit(sha256Hex(bytes), bytes.length, 'after-cut.bin').expect(200);
      expect(sha256Hex((await download('after-cut.bin')).bytes)).toBe(sha256Hex(bytes));
    });

    it('refuses a completion that names the ETag of a part since uploaded again (InvalidPart), and the upload goes on', async () => {
      const bytes = randomBytes(PART + 99);
      const chunks = partsOf(bytes);
      const before = readBacks();
      const mp = await startMultipart(bytes);
      const first = await mp.put(1, chunks[0]);
      const second = await mp.put(2, chunks[1]);
      // Part 1 again with other bytes, and the completion names the ETag of the first ones.
      await mp.put(1, randomBytes(PART));
      const refused = await mp.complete([first, second]);
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('invalid_parts');
      expect((await mp.complete([await mp.put(1, chunks[0]), second])).status).toBe(200);
      expect(readBacks()).toBe(before);
    });

    it('after a restart the store hashes the parts already placed: the completion still needs no read-back', async () => {
      const bytes = randomBytes(PART + 4321);
      const mp = await startMultipart(bytes);
      const parts = [await mp.put(1, partsOf(bytes)[0]), await mp.put(2, partsOf(bytes)[1])];
      await hub.stop();
      hub = await startEmbeddedStoreHub(
        { MULTIPART_THRESHOLD: String(PART), MULTIPART_CHUNK_SIZE: String(PART) },
        { dataDir: hub.dataDir, databaseUrl: hub.databaseUrl },
      );
      // The new hub may listen on another port.
      const completion = new URL(mp.completionUrl);
      expect((await completeMultipart(`${hub.url}${completion.pathname}${completion.search}`, { oid: sha256Hex(bytes), parts })).status).toBe(200);
      expect(readBacks()).toBe(0);
      await commit(sha256Hex(bytes), bytes.length, 'after-restart-multipart.bin').expect(200);
      expect(sha256Hex((await download('after-restart-multipart.bin')).bytes)).toBe(sha256Hex(bytes));
    });

    it('parts of other sizes than the declared one are concatenated from wherever they lie, hashed on the way', async () => {
      const bytes = randomBytes(2 * PART + 500);
      const before = readBacks();
      const mp = await startMultipart(bytes);
      // Part 1 short of its slot, part 2 longer than a slot (so not placed), part 3 in its slot.
      const parts = [
        await mp.put(2, bytes.subarray(PART - 100, 2 * PART)),
        await mp.put(1, bytes.subarray(0, PART - 100)),
        await mp.put(3, bytes.subarray(2 * PART)),
      ];
      expect((await mp.files())!.sort()).toEqual(['1.at', '2', '2.md5', '3.at', 'hub-assembled', 'key', 'metadata']);
      expect(await mp.complete(parts)).toEqual({ status: 200, body: { oid: sha256Hex(bytes), size: bytes.length } });
      expect(readBacks()).toBe(before);
      await commit(sha256Hex(bytes), bytes.length, 'odd-sizes.bin').expect(200);
      expect(sha256Hex((await download('odd-sizes.bin')).bytes)).toBe(sha256Hex(bytes));
    });

    it('a part sent again while its first PUT still writes its slot goes to a part file; the first, landing late, is not the part', async () => {
      const bytes = randomBytes(PART + 10);
      const chunks = partsOf(bytes);
      const before = readBacks();
      const mp = await startMultipart(bytes);
      // The first PUT of part 1 (placed in its slot) sends half its bytes, and waits.
      const slow = request(new URL(mp.partUrl(1)), { method: 'PUT', headers: { 'Content-Length': String(PART) } });
      const slowAnswer = new Promise<{ status: number; etag: string }>((resolve, reject) => {
        slow.on('response', (res) => {
          res.resume();
          resolve({ status: res.statusCode!, etag: String(res.headers.etag) });
        });
        slow.on('error', reject);
      });
      slow.write(chunks[0].subarray(0, PART / 2));
      const assembled = path.join(hub.dataDir, 's3', hub.config.s3.bucket, '._S3rver_uploads', mp.uploadId, 'hub-assembled');
      const deadline = Date.now() + 10_000;
      while (((await fs.stat(assembled).catch(() => null))?.size ?? 0) < PART / 2 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 10));
      }
      const good = await mp.put(1, chunks[0]);
      const second = await mp.put(2, chunks[1]);
      expect((await mp.files())!).toEqual(expect.arrayContaining(['1', '1.md5', '2.at']));
      slow.end(randomBytes(PART / 2));
      const late = await slowAnswer;
      expect(late.status).toBe(200);
      const stale = await mp.complete([{ partNumber: 1, etag: late.etag }, second]);
      expect(stale.status).toBe(400);
      expect(stale.body.code).toBe('invalid_parts');
      expect((await mp.complete([good, second])).status).toBe(200);
      expect(readBacks()).toBe(before);
      await commit(sha256Hex(bytes), bytes.length, 'sent-twice.bin').expect(200);
      expect(sha256Hex((await download('sent-twice.bin')).bytes)).toBe(sha256Hex(bytes));
    });

    it('a completion naming a part never uploaded is refused (InvalidPart, 400), and the upload can still complete', async () => {
      const bytes = randomBytes(PART + 3);
      const chunks = partsOf(bytes);
      const mp = await startMultipart(bytes);
      const first = await mp.put(1, chunks[0]);
      const refused = await mp.complete([first, { partNumber: 2, etag: `"${'0'.repeat(32)}"` }]);
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('invalid_parts');
      expect((await mp.complete([first, await mp.put(2, chunks[1])])).status).toBe(200);
    });

    it('an unknown upload is NoSuchUpload (404) to a part PUT and to a completion, never a 500', async () => {
      const storage = hub.app.get(ObjectStorage);
      const [signed] = await storage.presignUploadParts('staging/nothing', 'no-such-upload', [1], { expiresIn: 60 });
      const { pathname, search } = new URL(signed);
      const put = await rawPut(`${hub.url}${pathname}${search}`, randomBytes(1024));
      expect(put.status).toBe(404);
      expect(put.text).toContain('<Code>NoSuchUpload</Code>');
      await expect(storage.completeMultipart('staging/nothing', 'no-such-upload', [{ partNumber: 1, etag: 'f'.repeat(32) }])).rejects.toMatchObject({
        name: 'NoSuchUpload',
      });
    });

    it('an aborted upload is gone: its files removed, a part PUT NoSuchUpload, its completion 410', async () => {
      const bytes = randomBytes(PART + 3);
      const chunks = partsOf(bytes);
      const mp = await startMultipart(bytes);
      const first = await mp.put(1, chunks[0]);
      await hub.app.get(ObjectStorage).abortMultipart(mp.key, mp.uploadId);
      expect(await mp.files()).toBeNull();
      const late = await rawPut(mp.partUrl(2), chunks[1]);
      expect(late.status).toBe(404);
      expect(late.text).toContain('<Code>NoSuchUpload</Code>');
      expect(await mp.files()).toBeNull();
      const completion = await mp.complete([first, { partNumber: 2, etag: 'f'.repeat(32) }]);
      expect(completion.status).toBe(410);
      // Aborting what is no longer there is no error.
      await hub.app.get(ObjectStorage).abortMultipart(mp.key, mp.uploadId);
    });

    it('refuses wrong bytes sent by a plain client on the hash taken as the parts landed', async () => {
      const claimed = randomBytes(6 * 1024 * 1024);
      const before = readBacks();
      const up = await uploadLfsObject(repo(), randomBytes(claimed.length), { oid: sha256Hex(claimed), size: claimed.length });
      expect(up.transfer).toBe('multipart');
      expect(up.confirm?.status).toBe(400);
      expect(up.confirm?.body.code).toBe('blob_mismatch');
      const good = await uploadLfsObject(repo(), claimed);
      expect(good.confirm?.status).toBe(200);
      expect(readBacks()).toBe(before);
    });
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
