import { randomBytes } from 'node:crypto';
import { createOrg, registerUser, type TestUser } from '../support/factories';
import { completeMultipart, lfsBatch, lfsRepo, putParts, sha256Hex } from '../support/lfs-client';
import { createModel, hubSql } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';

const MiB = 1024 * 1024;

/** A multipart upload cut short is answered again to its own uploader only, so a retry sends just the missing parts. */
describe('git-lfs batch: resuming an unfinished multipart upload', () => {
  let hub: TestHub;
  let alice: TestUser;
  let bob: TestUser;
  let model: { namespace: string; name: string };

  beforeAll(async () => {
    hub = await startTestHub({ listen: true, env: { MULTIPART_THRESHOLD: String(8 * MiB), MULTIPART_CHUNK_SIZE: String(5 * MiB) } });
    alice = await registerUser(hub);
    bob = await registerUser(hub);
    const org = await createOrg(hub, alice, undefined, [{ user: bob, role: 'member' }]);
    model = await createModel(hub, alice, { namespace: org });
  });
  afterAll(() => hub.close());

  const uploadOf = async (user: TestUser, bytes: Buffer, size = bytes.length) => {
    const batch = await lfsBatch(lfsRepo(hub.url!, model, user.jwt), 'upload', [{ oid: sha256Hex(bytes), size }]);
    expect(batch.status).toBe(200);
    return batch.body.objects![0].actions!.upload!;
  };
  const idOf = (href: string) => /\/uploads\/([0-9a-f-]{36})\/complete/.exec(href)![1];

  it('answers the same upload to its uploader, who sends only the missing parts and completes it', async () => {
    const bytes = randomBytes(12 * MiB);
    const oid = sha256Hex(bytes);
    const first = await uploadOf(alice, bytes);
    expect(Object.keys(first.header!).filter((k) => /^\d+$/.test(k))).toEqual(['00001', '00002', '00003']);
    const put = async (url: string, n: number) => {
      const res = await fetch(url, { method: 'PUT', body: bytes.subarray((n - 1) * 5 * MiB, n * 5 * MiB) as unknown as Uint8Array<ArrayBuffer> });
      expect(res.status).toBe(200);
      return { partNumber: n, etag: res.headers.get('etag')! };
    };
    // Parts 1 and 3 land; part 2 is lost on the way.
    const kept = [await put(first.header!['00001'], 1), await put(first.header!['00003'], 3)];

    const again = await uploadOf(alice, bytes);
    expect(idOf(again.href)).toBe(idOf(first.href));
    expect(again.href).toBe(first.href);
    const missing = await put(again.header!['00002'], 2);
    const done = await completeMultipart(again.href, { oid, parts: [kept[0], missing, kept[1]] });
    expect(done).toMatchObject({ status: 200, body: { oid, size: bytes.length } });
    const rows = await hubSql<{ status: string }>(hub, 'SELECT status::text FROM uploads WHERE sha256 = $1', oid);
    expect(rows).toEqual([{ status: 'completed' }]);

    // Completed: the next batch has nothing to upload.
    const after = await lfsBatch(lfsRepo(hub.url!, model, alice.jwt), 'upload', [{ oid, size: bytes.length }]);
    expect(after.body.objects![0].actions).toBeUndefined();
  });

  it("never gives another user someone else's upload, nor the same user an upload of another size", async () => {
    const bytes = randomBytes(11 * MiB);
    const oid = sha256Hex(bytes);
    const alices = await uploadOf(alice, bytes);
    const bobs = await uploadOf(bob, bytes);
    expect(idOf(bobs.href)).not.toBe(idOf(alices.href));
    expect(bobs.header!['00001']).not.toBe(alices.header!['00001']);
    // Bob asks again: his own upload comes back, still not Alice's.
    expect(idOf((await uploadOf(bob, bytes)).href)).toBe(idOf(bobs.href));
    // The same oid declared with another size (another part plan) starts afresh.
    const resized = await uploadOf(alice, bytes, 16 * MiB);
    expect([idOf(alices.href), idOf(bobs.href)]).not.toContain(idOf(resized.href));
    const owners = await hubSql<{ user_id: string; n: number }>(
      hub,
      'SELECT user_id::text, count(*)::int AS n FROM uploads WHERE sha256 = $1 GROUP BY user_id',
      oid,
    );
    expect(owners.map((o) => o.n).sort()).toEqual([1, 2]);
    // Bob completes his own; Alice's stays hers, pending.
    const parts = await putParts(bobs, bytes);
    expect((await completeMultipart(bobs.href, { oid, parts })).status).toBe(200);
    const alicesRow = await hubSql<{ status: string }>(hub, 'SELECT status::text FROM uploads WHERE id = $1', idOf(alices.href));
    expect(alicesRow).toEqual([{ status: 'pending' }]);
  });
});
