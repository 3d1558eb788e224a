import { ObjectStorage } from '../../apps/api/src/storage/object-storage';
import { commit, INITIAL_FILES, postCommit, put, storeBucketBlob, type Op } from '../registry/commits-support';
import { createOrg, registerUser, type TestUser } from '../support/factories';
import { createModel, hubSql } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';
import { buildSafetensors, customClassPickle, evalPickleProtocol4, osSystemPickle, popenViaMemoPickle, stateDictPickle, torchZip } from './support/checkpoints';
import { eventually } from './support/discovery';

/**
 * The scanners on real files built here, stored as the hub stores them (small files inline in
 * PostgreSQL, large ones in the bucket): the scan job after each commit, what model info and the
 * tree listings show, and the organization policy that refuses dangerous pickles.
 */
describe('scanners', () => {
  let hub: TestHub;
  let alice: TestUser;
  let bob: TestUser;
  let org: string;

  beforeAll(async () => {
    hub = await startTestHub();
    alice = await registerUser(hub);
    bob = await registerUser(hub);
    org = await createOrg(hub, alice, undefined, [{ user: bob, role: 'member' }]);
  });
  afterAll(() => hub.close());

  const info = async (id: string) => (await hub.http().get(`/api/v1/models/${id}`).set(alice.auth).expect(200)).body;
  /** An LFS file: bytes in the bucket as a verified upload leaves them. */
  const lfs = async (id: string, path: string, bytes: Buffer): Promise<Op> => {
    const blob = await storeBucketBlob(hub, id, bytes);
    return { op: 'lfs', path, sha256: blob.sha256, size: blob.size };
  };

  describe('safetensors', () => {
    it('reads only the header of each file, by ranged reads, and sums parameters per dtype', async () => {
      const id = (await createModel(hub, alice, { namespace: org, name: 'sharded' })).id;
      // Shards with a real data section (4 MiB) behind their headers.
      const shard1 = buildSafetensors(
        { 'layers.0.weight': { dtype: 'F32', shape: [1024, 1024] }, 'layers.0.bias': { dtype: 'F32', shape: [1024] } },
        { format: 'pt' },
      );
      const shard2 = buildSafetensors({ 'lm_head.weight': { dtype: 'BF16', shape: [512, 64] } });
      const ops = [await lfs(id, 'model-00001-of-00002.safetensors', shard1), await lfs(id, 'model-00002-of-00002.safetensors', shard2)];
      const storage = hub.app.get(ObjectStorage);
      const reads = jest.spyOn(storage, 'getStream');
      try {
        await commit(hub, alice, id, ops);
        const model = await eventually(
          () => info(id),
          (m) => m.safetensors !== null,
        );
        expect(model.safetensors).toEqual({ parameters: { F32: 1024 * 1024 + 1024, BF16: 512 * 64 }, total: 1024 * 1024 + 1024 + 512 * 64 });
        expect(model.parameters).toBe(1024 * 1024 + 1024 + 512 * 64);
        // Two small ranged reads per file: the 8-byte length, then the header itself.
        const ranges = reads.mock.calls.map(([, range]) => range);
        expect(ranges).toHaveLength(4);
        expect(ranges).toContainEqual({ start: 0, end: 7 });
        for (const range of ranges) expect(range!.end! - range!.start + 1).toBeLessThan(1024);
      } finally {
        reads.mockRestore();
      }
      const hf = (await hub.http().get(`/api/models/${id}`).set(alice.auth).expect(200)).body;
      expect(hf.safetensors).toEqual({ parameters: { F32: 1049600, BF16: 32768 }, total: 1082368 });
      const [scan] = await hubSql<{ verdict: string; details: { tensorCount: number; dtypes: string[] } }>(
        hub,
        `SELECT verdict, details FROM blob_scans WHERE blob_sha256 = $1`,
        (ops[0] as { sha256: string }).sha256,
      );
      expect(scan).toMatchObject({ verdict: 'ok', details: { tensorCount: 2, dtypes: ['F32'] } });
    });

    it('scans the same bytes once, whichever model holds them', async () => {
      const id = (await createModel(hub, alice, { namespace: org, name: 'copy-of-sharded' })).id;
      const bytes = buildSafetensors(
        { 'layers.0.weight': { dtype: 'F32', shape: [1024, 1024] }, 'layers.0.bias': { dtype: 'F32', shape: [1024] } },
        { format: 'pt' },
      );
      const op = await lfs(id, 'model.safetensors', bytes);
      const reads = jest.spyOn(hub.app.get(ObjectStorage), 'getStream');
      try {
        await commit(hub, alice, id, [op]);
        const model = await eventually(
          () => info(id),
          (m) => m.safetensors !== null,
        );
        expect(model.safetensors.total).toBe(1049600);
        expect(reads).not.toHaveBeenCalled();
      } finally {
        reads.mockRestore();
      }
    });

    it('describes the revision asked for in Hugging Face model info, not only main', async () => {
      const id = (await createModel(hub, alice, { namespace: org, name: 'revisions' })).id;
      const first = await commit(hub, alice, id, [put('model.safetensors', buildSafetensors({ w: { dtype: 'F16', shape: [4, 4] } }))]);
      await eventually(
        () => info(id),
        (m) => m.safetensors?.total === 16,
      );
      await commit(hub, alice, id, [put('model.safetensors', buildSafetensors({ w: { dtype: 'F32', shape: [8, 8] } })), put('evil.pkl', osSystemPickle())]);
      await eventually(
        () => info(id),
        (m) => m.safetensors?.total === 64 && m.security?.status === 'dangerous',
      );
      const at = async (rev: string) => (await hub.http().get(`/api/models/${id}/revision/${rev}`).set(alice.auth).expect(200)).body;
      const old = await at(first);
      expect(old).toMatchObject({ sha: first, safetensors: { parameters: { F16: 16 }, total: 16 } });
      expect(old.securityRepoStatus).toBeUndefined();
      const head = await at('main');
      expect(head.safetensors).toEqual({ parameters: { F32: 64 }, total: 64 });
      expect(head.securityRepoStatus).toEqual({ scansDone: true, filesWithIssues: [{ path: 'evil.pkl', level: 'dangerous' }] });
    });

    it('leaves an invalid file out of the count, with the reason kept', async () => {
      const id = (await createModel(hub, alice, { namespace: org, name: 'broken' })).id;
      const good = buildSafetensors({ w: { dtype: 'F16', shape: [8, 8] } });
      await commit(hub, alice, id, [put('good.safetensors', good), put('broken.safetensors', good.subarray(0, good.length - 10))]);
      const model = await eventually(
        () => info(id),
        (m) => m.safetensors !== null,
      );
      expect(model.safetensors).toEqual({ parameters: { F16: 64 }, total: 64 });
      const [scan] = await hubSql<{ verdict: string; error: string }>(hub, `SELECT verdict, error FROM blob_scans WHERE verdict = 'invalid'`);
      expect(scan.error).toMatch(/ends at byte 128 of a 118-byte data section/);
    });
  });

  describe('pickles', () => {
    let id: string;
    beforeAll(async () => {
      id = (await createModel(hub, alice, { namespace: org, name: 'pickles' })).id;
      await commit(hub, alice, id, [
        await lfs(id, 'pytorch_model.bin', torchZip(stateDictPickle())),
        put('legacy/model.pt', stateDictPickle()),
        put('training_args.bin', customClassPickle()),
        put('evil.pkl', osSystemPickle()),
        await lfs(id, 'ckpt/exploit.pt', torchZip(evalPickleProtocol4(), { deflate: true })),
        put('notes.txt', 'not scanned'),
      ]);
    });

    it('classifies each file and lists its imports in model info', async () => {
      const model = await eventually(
        () => info(id),
        (m) => m.security !== null && !m.security.files.some((f: { status: string }) => f.status === 'pending'),
      );
      expect(model.security.status).toBe('dangerous');
      const byPath = Object.fromEntries(model.security.files.map((f: { path: string }) => [f.path, f]));
      expect(Object.keys(byPath).sort()).toEqual(['ckpt/exploit.pt', 'evil.pkl', 'legacy/model.pt', 'pytorch_model.bin', 'training_args.bin']);
      expect(byPath['pytorch_model.bin']).toMatchObject({ status: 'safe', format: 'pytorch-zip', imports: [] });
      expect(byPath['legacy/model.pt']).toMatchObject({ status: 'safe', format: 'pickle', imports: [] });
      expect(byPath['training_args.bin']).toMatchObject({ status: 'suspicious', imports: ['__main__.TrainingArgs'] });
      expect(byPath['evil.pkl']).toMatchObject({ status: 'dangerous', imports: ['os.system'] });
      expect(byPath['ckpt/exploit.pt']).toMatchObject({ status: 'dangerous', format: 'pytorch-zip', imports: ['builtins.eval'] });
      const hf = (await hub.http().get(`/api/models/${id}`).set(alice.auth).expect(200)).body;
      expect(hf.securityRepoStatus.scansDone).toBe(true);
      expect(hf.securityRepoStatus.filesWithIssues).toEqual(
        expect.arrayContaining([
          { path: 'evil.pkl', level: 'dangerous' },
          { path: 'ckpt/exploit.pt', level: 'dangerous' },
          { path: 'training_args.bin', level: 'suspicious' },
        ]),
      );
    });

    it('shows the scan of each pickle file in the tree listings', async () => {
      const tree = (await hub.http().get(`/api/v1/models/${id}/files`).query({ recursive: true }).set(alice.auth).expect(200)).body.entries;
      const byPath = Object.fromEntries(tree.map((e: { path: string }) => [e.path, e]));
      expect(byPath['evil.pkl'].security).toEqual({ status: 'dangerous', imports: [{ module: 'os', name: 'system', safety: 'dangerous' }] });
      expect(byPath['pytorch_model.bin'].security.status).toBe('safe');
      expect(byPath['pytorch_model.bin'].security.imports).toEqual(
        expect.arrayContaining([
          { module: 'collections', name: 'OrderedDict', safety: 'safe' },
          { module: 'torch._utils', name: '_rebuild_tensor_v2', safety: 'safe' },
        ]),
      );
      expect(byPath['notes.txt'].security).toBeUndefined();
      const hfTree = (await hub.http().get(`/api/models/${id}/tree/main/ckpt`).set(alice.auth).expect(200)).body;
      expect(hfTree[0]).toMatchObject({
        path: 'ckpt/exploit.pt',
        securityFileStatus: {
          status: 'unsafe',
          avScan: { status: 'unscanned', virusFound: null, virusNames: null },
          pickleImportScan: { highestSafetyLevel: 'dangerous', imports: [{ module: 'builtins', name: 'eval', safety: 'dangerous' }] },
        },
      });
    });

    it('shows a file as pending until its scan has run', async () => {
      const pending = (await createModel(hub, alice, { namespace: org, name: 'pending' })).id;
      await commit(hub, alice, pending, [put('fresh.pkl', popenViaMemoPickle())]);
      // Right after the commit the job may not have run: the listing says so rather than "safe".
      const entries = (await hub.http().get(`/api/v1/models/${pending}/files`).set(alice.auth).expect(200)).body.entries;
      const entry = entries.find((e: { path: string }) => e.path === 'fresh.pkl');
      expect(['pending', 'dangerous']).toContain(entry.security.status);
      const model = await eventually(
        () => info(pending),
        (m) => m.security?.status === 'dangerous',
      );
      expect(model.security.files[0].imports).toEqual(['subprocess.Popen']);
    });
  });

  describe('organization policy', () => {
    let guarded: string;
    beforeAll(async () => {
      guarded = (await createModel(hub, alice, { namespace: org, name: 'guarded' })).id;
    });

    it('is off by default; members read it, only admins change it', async () => {
      expect((await hub.http().get(`/api/v1/orgs/${org}/security-policy`).set(bob.auth).expect(200)).body).toEqual({
        organization: org,
        blockDangerousPickles: false,
        updatedAt: null,
      });
      const denied = await hub.http().put(`/api/v1/orgs/${org}/security-policy`).set(bob.auth).send({ blockDangerousPickles: true }).expect(403);
      expect(denied.body.code).toBe('insufficient_role');
      await hub.http().put(`/api/v1/orgs/${org}/security-policy`).set(alice.auth).send({ blockDangerousPickles: 'yes' }).expect(400);
      const on = await hub.http().put(`/api/v1/orgs/${org}/security-policy`).set(alice.auth).send({ blockDangerousPickles: true }).expect(200);
      expect(on.body).toMatchObject({ blockDangerousPickles: true, updatedAt: expect.any(String) });
      const outsider = await registerUser(hub);
      await hub.http().get(`/api/v1/orgs/${org}/security-policy`).set(outsider.auth).expect(403);
    });

    it('refuses a commit adding a dangerous pickle with 422 naming the file and import; the branch does not move', async () => {
      const head = (await info(guarded)).sha;
      const res = await postCommit(hub, bob, guarded, [put('README.md', 'hello'), put('weights/evil.pkl', osSystemPickle())]);
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('dangerous_pickle');
      expect(res.body.error).toMatch(/'weights\/evil\.pkl' imports os\.system/);
      expect(res.body.files).toEqual([{ file: 'weights/evil.pkl', imports: ['os.system'] }]);
      expect((await info(guarded)).sha).toBe(head);
      const files = (await hub.http().get(`/api/v1/models/${guarded}/files`).set(alice.auth).expect(200)).body.entries;
      expect(files.map((f: { path: string }) => f.path)).toEqual(INITIAL_FILES);
    });

    it('scans LFS files in the bucket and PyTorch zips too, before the branch moves', async () => {
      const zipped = await postCommit(hub, alice, guarded, [await lfs(guarded, 'model.pt', torchZip(evalPickleProtocol4(), { deflate: true }))]);
      expect(zipped.status).toBe(422);
      expect(zipped.body.error).toMatch(/'model\.pt' imports builtins\.eval/);
      const hf = await hub
        .http()
        .post(`/api/models/${guarded}/commit/main`)
        .set(alice.auth)
        .set('Content-Type', 'application/x-ndjson')
        .send(
          [
            JSON.stringify({ key: 'header', value: { summary: 'add weights' } }),
            JSON.stringify({ key: 'file', value: { path: 'run.pkl', content: popenViaMemoPickle().toString('base64'), encoding: 'base64' } }),
          ].join('\n'),
        );
      expect(hf.status).toBe(422);
      expect(hf.body.error).toMatch(/'run\.pkl' imports subprocess\.Popen/);
    });

    it('lets safe and suspicious pickles and safetensors through', async () => {
      await commit(hub, bob, guarded, [
        await lfs(guarded, 'pytorch_model.bin', torchZip(stateDictPickle())),
        put('training_args.bin', customClassPickle()),
        put('model.safetensors', buildSafetensors({ w: { dtype: 'F32', shape: [4] } })),
      ]);
      const model = await eventually(
        () => info(guarded),
        (m) => m.security !== null && m.safetensors !== null,
      );
      expect(model.security.status).toBe('suspicious');
    });

    it('does not apply to personal namespaces or other organizations', async () => {
      const mine = (await createModel(hub, alice, { name: 'playground' })).id;
      await commit(hub, alice, mine, [put('evil.pkl', osSystemPickle())]);
      const other = await createOrg(hub, alice);
      const theirs = (await createModel(hub, alice, { namespace: other, name: 'unguarded' })).id;
      await commit(hub, alice, theirs, [put('evil.pkl', osSystemPickle())]);
      await hub.http().put(`/api/v1/orgs/${org}/security-policy`).set(alice.auth).send({ blockDangerousPickles: false }).expect(200);
      await commit(hub, alice, guarded, [put('evil.pkl', osSystemPickle())]);
    });

    it('refuses copies of a dangerous pickle committed before the policy was turned on', async () => {
      // evil.pkl is on main from the previous test, committed while the policy was off.
      const withEvil = (await info(guarded)).sha;
      await hub.http().put(`/api/v1/orgs/${org}/security-policy`).set(alice.auth).send({ blockDangerousPickles: true }).expect(200);
      const copied = await postCommit(hub, alice, guarded, [{ op: 'copy', path: 'weights/again.pkl', fromPath: 'evil.pkl' }]);
      expect(copied.status).toBe(422);
      expect(copied.body.files).toEqual([{ file: 'weights/again.pkl', imports: ['os.system'] }]);
      await commit(hub, alice, guarded, [{ op: 'delete', path: 'evil.pkl' }]);
      const fromRevision = await postCommit(hub, alice, guarded, [{ op: 'copy', path: 'restored.pkl', fromPath: 'evil.pkl', fromRevision: withEvil }]);
      expect(fromRevision.status).toBe(422);
      // A safe pickle copies as any file does.
      await commit(hub, alice, guarded, [{ op: 'copy', path: 'args-copy.bin', fromPath: 'training_args.bin' }]);
    });
  });
});
