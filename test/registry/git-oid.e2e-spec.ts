import { execFileSync } from 'node:child_process';
import { Client } from 'pg';
import { BlobGitOidBackfill } from '../../apps/api/src/blobs/blob-git-oid-backfill.service';
import { bearer, createToken, registerUser } from '../support/factories';
import { startTestHub, type TestHub } from '../support/test-hub';
import { HF_DEFAULT_GITATTRIBUTES } from './commits-support';

const gitHashObject = (bytes: Buffer) => execFileSync('git', ['hash-object', '--stdin'], { input: bytes }).toString().trim();

/** Regular files' oids are git blob ids (docs/hugging-face.md), as `git hash-object` computes them. */
describe('git blob ids of regular files', () => {
  let hub: TestHub;
  let token: string;
  // Inline in PostgreSQL, and (above INLINE_BLOB_MAX_BYTES) in the bucket, written by the hub.
  const files: Record<string, Buffer> = {
    'small.txt': Buffer.from('hello\n'),
    'empty.txt': Buffer.alloc(0),
    'dir/config.json': Buffer.from('{"hidden_size": 768}\n'),
    'big.md': Buffer.from('# big\n'.repeat(200)),
  };
  const treeOids = async () => {
    const res = await hub.http().get('/api/models/oidowner/oids/tree/main?recursive=true').expect(200);
    return Object.fromEntries(res.body.filter((e: { type: string }) => e.type === 'file').map((e: { path: string; oid: string }) => [e.path, e.oid]));
  };

  beforeAll(async () => {
    hub = await startTestHub({ env: { INLINE_BLOB_MAX_BYTES: '64' } });
    const owner = await registerUser(hub, 'oidowner');
    token = await createToken(hub, owner, ['write']);
    await hub.http().post('/api/repos/create').set(bearer(token)).send({ name: 'oids' }).expect(200);
    const lines = [
      { key: 'header', value: { summary: 'files' } },
      ...Object.entries(files).map(([path, bytes]) => ({ key: 'file', value: { path, content: bytes.toString('base64'), encoding: 'base64' } })),
    ];
    await hub
      .http()
      .post('/api/models/oidowner/oids/commit/main')
      .set(bearer(token))
      .set('Content-Type', 'application/x-ndjson')
      .send(lines.map((l) => JSON.stringify(l)).join('\n'))
      .expect(200);
  });
  afterAll(() => hub.close());

  it('answers git hash-object of the bytes in the tree and paths-info', async () => {
    const oids = await treeOids();
    for (const [path, bytes] of Object.entries(files)) expect([path, oids[path]]).toEqual([path, gitHashObject(bytes)]);
    // The initial commit's .gitattributes, too.
    expect(oids['.gitattributes']).toBe(gitHashObject(Buffer.from(HF_DEFAULT_GITATTRIBUTES)));
    const info = await hub
      .http()
      .post('/api/models/oidowner/oids/paths-info/main')
      .send({ paths: ['small.txt'] })
      .expect(200);
    expect(info.body[0].oid).toBe(gitHashObject(files['small.txt']));
  });

  it('fills the ids of bytes stored before them, inline and in the bucket, by the start-up backfill', async () => {
    const db = new Client({ connectionString: hub.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query<{ inline: number; bucket: number }>(
        `SELECT count(*) FILTER (WHERE inline_data IS NOT NULL)::int AS inline, count(*) FILTER (WHERE storage_key IS NOT NULL)::int AS bucket FROM blobs`,
      );
      expect(rows[0].inline).toBeGreaterThan(0);
      expect(rows[0].bucket).toBeGreaterThan(0);
      await db.query('UPDATE blobs SET git_oid = NULL');
    } finally {
      await db.end();
    }
    const backfill = hub.app.get(BlobGitOidBackfill);
    // The committed files and the initial .gitattributes.
    expect(await backfill.run()).toEqual({ filled: Object.keys(files).length + 1 });
    const oids = await treeOids();
    for (const [path, bytes] of Object.entries(files)) expect(oids[path]).toBe(gitHashObject(bytes));
    expect(oids['.gitattributes']).toBe(gitHashObject(Buffer.from(HF_DEFAULT_GITATTRIBUTES)));
    expect(await backfill.run()).toEqual({ filled: 0 });
  });
});
