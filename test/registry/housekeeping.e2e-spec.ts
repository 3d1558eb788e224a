import { randomBytes } from 'node:crypto';
import { contentKey } from '../../apps/api/src/blobs/blob-keys';
import { BlobService } from '../../apps/api/src/blobs/blob.service';
import { loadConfig, type ResolvedHubConfig } from '../../apps/api/src/config/hub-config';
import { JobQueueService } from '../../apps/api/src/jobs/job-queue.service';
import { ObjectStorage } from '../../apps/api/src/storage/object-storage';
import { registerUser, type TestUser } from '../support/factories';
import { completeMultipart, lfsBatch, lfsRepo, sha256Hex, uploadLfsFile } from '../support/lfs-client';
import { createModel, hubSql } from '../support/models';
import { createTestDatabase, startTestHub, type TestHub } from '../support/test-hub';

const MiB = 1024 * 1024;

describe('job queue', () => {
  it('starts on a fresh database, runs a job, and stops cleanly within its 5 s grace', async () => {
    const config = { ...loadConfig({ NODE_ENV: 'test', DATABASE_URL: await createTestDatabase() }), jobsEnabled: true } as ResolvedHubConfig;
    const jobs = new JobQueueService(config);
    const t0 = Date.now();
    await jobs.onModuleInit();
    const startMs = Date.now() - t0;
    console.log(`pg-boss start on a fresh database (creates its schema): ${startMs} ms`);
    await jobs.register<{ n: number }>('double', async ({ n }) => ({ doubled: n * 2 }));
    await jobs.schedule('double', '0 3 * * *', { n: 1 });
    const t1 = Date.now();
    const outcome = await jobs.runNow('double', { n: 21 });
    console.log(`runNow round trip: ${Date.now() - t1} ms`);
    expect(outcome).toMatchObject({ state: 'completed', output: { doubled: 42 } });
    const t2 = Date.now();
    await jobs.onModuleDestroy();
    expect(Date.now() - t2).toBeLessThan(6000);
  });

  it('does not let a job outlive its close, even one still running when pg-boss gives up waiting', async () => {
    const config = { ...loadConfig({ NODE_ENV: 'test', DATABASE_URL: await createTestDatabase() }), jobsEnabled: true } as ResolvedHubConfig;
    const jobs = new JobQueueService(config);
    await jobs.onModuleInit();
    let finished = false;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    // Longer than pg-boss's 5 s stop timeout.
    await jobs.register('slow', async () => {
      started();
      await new Promise((resolve) => setTimeout(resolve, 6_500));
      finished = true;
    });
    await jobs.send('slow', {});
    await running;
    await jobs.onModuleDestroy();
    expect(finished).toBe(true);
  }, 30_000);
});

describe('blob housekeeping', () => {
  let hub: TestHub;
  let storage: ObjectStorage;
  let admin: TestUser;
  let alice: TestUser;

  beforeAll(async () => {
    hub = await startTestHub({
      listen: true,
      env: { MULTIPART_THRESHOLD: String(6 * MiB), MULTIPART_CHUNK_SIZE: String(5 * MiB), INLINE_BLOB_MAX_BYTES: '1024' },
    });
    storage = hub.app.get(ObjectStorage);
    admin = await registerUser(hub); // the first account is the platform administrator
    alice = await registerUser(hub);
  });
  afterAll(() => hub.close());

  const repoOf = (user: TestUser, model: { namespace: string; name: string }) => lfsRepo(hub.url!, model, user.jwt);
  const run = (job: string, user = admin) => hub.http().post(`/api/v1/admin/housekeeping/${job}`).set(user.auth);
  const uploadRow = (sha: string) =>
    hubSql<{ id: string; status: string; staging_key: string }>(
      hub,
      'SELECT id, status::text, staging_key FROM uploads WHERE sha256 = $1 ORDER BY created_at DESC',
      sha,
    ).then((r) => r[0]);
  const blobExists = async (sha: string) => (await hubSql(hub, 'SELECT 1 FROM blobs WHERE sha256 = $1', sha)).length === 1;
  const age = (sha: string, hours: number) => hubSql(hub, `UPDATE blobs SET created_at = now() - make_interval(hours => $2) WHERE sha256 = $1`, sha, hours);
  const commit = (model: { namespace: string; name: string }, operations: Record<string, unknown>[]) =>
    hub.http().post(`/api/v1/models/${model.namespace}/${model.name}/commits`).set(alice.auth).send({ summary: 'c', operations }).expect(201);

  it('is scheduled on the queue, and only the platform administrator runs it by hand', async () => {
    const schedules = await hubSql<{ name: string; cron: string }>(hub, 'SELECT name, cron FROM pgboss.schedule ORDER BY name');
    expect(schedules).toEqual(
      expect.arrayContaining([
        { name: 'blobs-abort-stale-uploads', cron: '*/15 * * * *' },
        { name: 'blobs-collect-garbage', cron: '37 * * * *' },
      ]),
    );
    expect((await run('blobGc', alice).expect(403)).body.code).toBe('not_platform_admin');
    expect((await run('everything').expect(400)).body.code).toBe('unknown_job');
    await hub.http().post('/api/v1/admin/housekeeping/blobGc').expect(401);
  });

  it('aborts uploads past their expiry and deletes what they staged; the rest stay', async () => {
    const model = await createModel(hub, alice);
    const repo = repoOf(alice, model);
    // A multipart upload with one part of two sent, never completed.
    const big = randomBytes(7 * MiB);
    const bigOid = sha256Hex(big);
    const batch = await lfsBatch(repo, 'upload', [{ oid: bigOid, size: big.length }]);
    const action = batch.body.objects![0].actions!.upload!;
    const part1 = await fetch(action.header!['00001'], { method: 'PUT', body: big.subarray(0, 5 * MiB) });
    expect(part1.status).toBe(200);
    // A single PUT never verified.
    const small = randomBytes(2000);
    const smallOid = sha256Hex(small);
    const put = await lfsBatch(repo, 'upload', [{ oid: smallOid, size: small.length }]);
    await fetch(put.body.objects![0].actions!.upload!.href, { method: 'PUT', body: small });
    // A fresh one that has time left.
    const fresh = randomBytes(3000);
    const freshOid = sha256Hex(fresh);
    const freshBatch = await lfsBatch(repo, 'upload', [{ oid: freshOid, size: fresh.length }]);
    await fetch(freshBatch.body.objects![0].actions!.upload!.href, { method: 'PUT', body: fresh });

    const stagedSmall = (await uploadRow(smallOid)).staging_key;
    expect(await storage.head(stagedSmall)).not.toBeNull();
    await hubSql(hub, `UPDATE uploads SET expires_at = now() - interval '1 minute' WHERE sha256 = ANY($1)`, [bigOid, smallOid]);

    const aborts: string[] = [];
    const spy = jest.spyOn(storage, 'abortMultipart').mockImplementation(async (key, uploadId) => void aborts.push(`${key} ${uploadId}`));
    try {
      const res = await run('staleUploads').expect(200);
      expect(res.body).toMatchObject({ job: 'staleUploads', state: 'completed', report: { abortedUploads: 2 } });
    } finally {
      spy.mockRestore();
    }
    const [bigRow] = await hubSql<{ staging_key: string; multipart_upload_id: string }>(
      hub,
      'SELECT staging_key, multipart_upload_id FROM uploads WHERE sha256 = $1',
      bigOid,
    );
    expect(aborts).toEqual([`${bigRow.staging_key} ${bigRow.multipart_upload_id}`]);
    expect((await uploadRow(bigOid)).status).toBe('aborted');
    expect((await uploadRow(smallOid)).status).toBe('aborted');
    expect(await storage.head(stagedSmall)).toBeNull();
    // The completion URL of an aborted upload is gone, and its bytes cannot be committed.
    const late = await completeMultipart(action.href, {
      oid: bigOid,
      parts: [
        { partNumber: 1, etag: '"x"' },
        { partNumber: 2, etag: '"y"' },
      ],
    });
    expect(late.status).toBe(410);
    const refused = await hub
      .http()
      .post(`/api/v1/models/${model.namespace}/${model.name}/commits`)
      .set(alice.auth)
      .send({ summary: 'c', operations: [{ op: 'lfs', path: 's.bin', sha256: smallOid }] });
    expect(refused.body.code).toBe('blob_not_uploaded');

    const freshRow = await uploadRow(freshOid);
    expect(freshRow.status).toBe('pending');
    expect(await storage.head(freshRow.staging_key)).not.toBeNull();
  });

  it('collects blobs no commit references once their grace period is over, and never a referenced one', async () => {
    const model = await createModel(hub, alice);
    const repo = repoOf(alice, model);
    const blobs = hub.app.get(BlobService);

    // Referenced by the head commit.
    const kept = await uploadLfsFile(repo, randomBytes(5000));
    await commit(model, [{ op: 'lfs', path: 'kept.bin', sha256: kept.oid }]);
    // Referenced only by history: committed, then deleted.
    const historic = await uploadLfsFile(repo, randomBytes(6000));
    await commit(model, [{ op: 'lfs', path: 'old.bin', sha256: historic.oid }]);
    await commit(model, [{ op: 'delete', path: 'old.bin' }]);
    // Uploaded and verified, never committed: in the bucket.
    const orphanBytes = randomBytes(7000);
    const orphan = await uploadLfsFile(repo, orphanBytes);
    // Stored inline (a commit sent it inline... and then failed), never referenced.
    const inline = await blobs.storeBytes(randomBytes(100));
    // Unreferenced but recent: inside its grace period.
    const recent = await uploadLfsFile(repo, randomBytes(8000));

    for (const sha of [kept.oid, historic.oid, orphan.oid, inline.sha256]) await age(sha, 48);
    expect(await storage.head(contentKey(orphan.oid))).not.toBeNull();

    const res = await run('blobGc').expect(200);
    expect(res.body).toMatchObject({ state: 'completed', report: { deletedBlobs: 2, deletedObjects: 1, skipped: 0 } });

    expect(await blobExists(orphan.oid)).toBe(false);
    expect(await storage.head(contentKey(orphan.oid))).toBeNull();
    expect(await blobExists(inline.sha256)).toBe(false);
    for (const sha of [kept.oid, historic.oid, recent.oid]) {
      expect(await blobExists(sha)).toBe(true);
      expect(await storage.head(contentKey(sha))).not.toBeNull();
    }
    // The kept file still downloads.
    const file = await hub.http().get(`/api/v1/models/${model.namespace}/${model.name}/files/kept.bin`).redirects(0);
    expect(file.status).toBe(302);

    // Collected bytes uploaded again are stored again.
    await uploadLfsFile(repo, orphanBytes);
    expect(await blobExists(orphan.oid)).toBe(true);
    expect(await storage.head(contentKey(orphan.oid))).toMatchObject({ size: 7000 });
  });

  it('finds nothing more to collect on a second run', async () => {
    const res = await run('blobGc').expect(200);
    expect(res.body.report).toMatchObject({ deletedBlobs: 0, skipped: 0 });
  });
});
