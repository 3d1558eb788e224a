import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { sha256 } from '../registry/commits-support';
import { createOrg, registerUser, type TestUser } from '../support/factories';
import { createModel } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';
import { createModelWithFiles, type GatedModel, grantTo, hubSql, publishOffer, uniqueName } from '../licensing/licensing-support';

/**
 * One download decision, completely applied: every route that hands out a gated model's bytes, or
 * a URL to them, refuses a caller without a grant and one whose grant was revoked, and serves a
 * grantee while writing a licence audit entry for what it served.
 */
type Caller = 'outsider' | 'grantee' | 'revoked';
const LFS = 'application/vnd.git-lfs+json';

describe('every byte-serving path makes the one confirmed download decision', () => {
  let hub: TestHub;
  let model: GatedModel;
  let weights: { oid: string; size: number };
  let config: { oid: string; size: number };
  const users = {} as Record<Caller | 'owner', TestUser>;

  beforeAll(async () => {
    hub = await startTestHub();
    for (const who of ['owner', 'outsider', 'grantee', 'revoked'] as const) users[who] = await registerUser(hub, uniqueName(who));
    const publisher = await createOrg(hub, users.owner, uniqueName('pub'));
    model = await createModelWithFiles(hub, users.owner, publisher);
    const offer = await publishOffer(hub, users.owner, model.id);
    await grantTo(hub, users.grantee, await createOrg(hub, users.grantee, uniqueName('lic')), offer.id, users.owner);
    const revoked = await grantTo(hub, users.revoked, await createOrg(hub, users.revoked, uniqueName('lic')), offer.id, users.owner);
    await hub.http().post(`/api/v1/grants/${revoked.grantId}/revoke`).set(users.owner.auth).send({ reason: 'test' }).expect(200);
    weights = { oid: sha256(model.weights), size: model.weights.length };
    config = { oid: sha256(model.config), size: Buffer.byteLength(model.config) };
  });
  afterAll(() => hub.close());

  /** Audit entries of downloads by `who` through `route` written after `since`. */
  async function audited(who: Caller, route: string, since: string): Promise<{ path: string; grant_id: string | null }[]> {
    return hubSql(
      hub,
      `SELECT path, grant_id::text FROM license_audit_events WHERE action = 'file.downloaded' AND actor_user_id = $1::uuid AND details->>'route' = $2 AND id > $3::bigint ORDER BY id`,
      users[who].id,
      route,
      since,
    );
  }
  const lastAuditId = async () => (await hubSql<{ last: string }>(hub, `SELECT coalesce(max(id), 0)::text AS last FROM license_audit_events`))[0].last;

  const batch = (who: Caller, body: Record<string, unknown>, repo = model.id) =>
    hub.http().post(`/${repo}.git/info/lfs/objects/batch`).set(users[who].auth).set('Content-Type', LFS).send(JSON.stringify(body));

  /** Each path: how to call it, and what a served answer looks like. */
  const PATHS: { name: string; route: string; call: (who: Caller) => Promise<{ status: number; served: boolean }> }[] = [
    ...(['get', 'head'] as const).flatMap((method) =>
      [
        { name: `native ${method.toUpperCase()} files/{path}`, url: (p: string) => `/api/v1/models/${model.id}/files/${p}` },
        { name: `HF ${method.toUpperCase()} resolve`, url: (p: string) => `/${model.id}/resolve/main/${p}` },
        { name: `HF ${method.toUpperCase()} raw`, url: (p: string) => `/${model.id}/raw/main/${p}` },
      ].map(({ name, url }) => ({
        name,
        route: 'file',
        call: async (who: Caller) => {
          const res = await hub.http()[method](url(model.weightsPath)).set(users[who].auth);
          return { status: res.status, served: res.status === 302 && typeof res.headers.location === 'string' };
        },
      })),
    ),
    {
      name: 'git-lfs batch download',
      route: 'lfs-batch',
      call: async (who) => {
        const res = await batch(who, { operation: 'download', transfers: ['basic'], objects: [weights] });
        return { status: res.status, served: res.status === 200 && typeof res.body.objects?.[0]?.actions?.download?.href === 'string' };
      },
    },
    {
      name: 'git-lfs object GET (bucket)',
      route: 'lfs-object',
      call: async (who) => {
        const res = await hub.http().get(`/${model.id}.git/info/lfs/objects/${weights.oid}`).set(users[who].auth);
        return { status: res.status, served: res.status === 302 };
      },
    },
    {
      name: 'git-lfs object GET (inline)',
      route: 'lfs-object',
      call: async (who) => {
        const res = await hub.http().get(`/${model.id}.git/info/lfs/objects/${config.oid}`).set(users[who].auth).buffer(true);
        return { status: res.status, served: res.status === 200 && Buffer.from(res.body).toString() === model.config };
      },
    },
    {
      // Skipping an upload of bytes the caller may download elsewhere hands them over too.
      name: 'git-lfs upload skipped for bytes of the gated model',
      route: 'lfs-reuse',
      call: async (who) => {
        const own = await createModel(hub, users[who], { namespace: users[who].username, name: uniqueName('copy') });
        const res = await batch(who, { operation: 'upload', transfers: ['basic'], objects: [weights] }, own.id);
        const object = res.body.objects?.[0];
        // Refused here means "upload the bytes yourself", never "you already have them".
        return { status: object?.actions?.upload ? 403 : res.status, served: res.status === 200 && !object?.actions && !object?.error };
      },
    },
  ];

  it.each(PATHS.map((p) => [p.name, p] as const))('%s: refused without a grant and after a revoke, served and audited with one', async (_name, path) => {
    for (const who of ['outsider', 'revoked'] as const) {
      const since = await lastAuditId();
      const res = await path.call(who);
      expect([who, res.status, res.served]).toEqual([who, 403, false]);
      expect(await audited(who, path.route, since)).toEqual([]);
    }
    const since = await lastAuditId();
    const res = await path.call('grantee');
    expect(res.served).toBe(true);
    const entries = await audited('grantee', path.route, since);
    expect(entries).toHaveLength(1);
    expect(entries[0].grant_id).toEqual(expect.any(String));
  });

  it('a HEAD of an inline file issues no bytes: confirmed (a revoked grant is refused) but not audited', async () => {
    const url = `/${model.id}/resolve/main/${model.configPath}`;
    expect((await hub.http().head(url).set(users.revoked.auth)).status).toBe(403);
    const since = await lastAuditId();
    expect((await hub.http().head(url).set(users.grantee.auth)).status).toBe(200);
    expect(await audited('grantee', 'file', since)).toEqual([]);
  });
});

/** A Hugging Face `copy` (an `lfsFile` with `oldPath`) names its source's sha256: checked as the native route checks it. */
describe('a Hugging Face copy checks the sha256 of its source', () => {
  let hub: TestHub;
  afterAll(() => hub?.close());

  it("refuses a copy whose oid is not the source file's (400 copy_source_mismatch), and copies when it is", async () => {
    hub = await startTestHub();
    const owner = await registerUser(hub, uniqueName('copier'));
    const { id } = await createModel(hub, owner, { namespace: owner.username, name: uniqueName('copies') });
    const content = Buffer.from('{"hidden_size": 8}');
    const line = (key: string, value: unknown) => JSON.stringify({ key, value });
    const hfCommit = (...lines: string[]) =>
      hub
        .http()
        .post(`/api/models/${id}/commit/main`)
        .set(owner.auth)
        .set('Content-Type', 'application/x-ndjson')
        .send([line('header', { summary: 'copy' }), ...lines].join('\n'));
    await hfCommit(line('file', { path: 'config.json', content: content.toString('base64'), encoding: 'base64' })).expect(200);

    const wrong = await hfCommit(line('lfsFile', { path: 'copy.json', oldPath: 'config.json', algo: 'sha256', oid: sha256('something else') }));
    expect([wrong.status, wrong.body.code]).toEqual([400, 'copy_source_mismatch']);
    await hub.http().get(`/${id}/resolve/main/copy.json`).expect(404);

    await hfCommit(line('lfsFile', { path: 'copy.json', oldPath: 'config.json', algo: 'sha256', oid: sha256(content) })).expect(200);
    expect((await hub.http().get(`/${id}/resolve/main/copy.json`).buffer(true).expect(200)).body.toString()).toBe(content.toString());
  });
});

/**
 * The structural half: bytes of model files and URLs to them come only from BlobService's
 * permit-taking functions, and only ModelAccessService issues permits. A new route that reached
 * the storage or the inline bytes directly would bypass the decision; this fails first.
 */
describe('no route reaches model bytes around the download decision', () => {
  const root = join(__dirname, '../../apps/api/src');
  const sources = (dir: string): string[] =>
    readdirSync(dir).flatMap((entry) => {
      const full = join(dir, entry);
      if (entry === 'generated') return [];
      if (statSync(full).isDirectory()) return sources(full);
      return entry.endsWith('.ts') && !entry.endsWith('.spec.ts') ? [full] : [];
    });
  const callers = (pattern: RegExp) =>
    sources(root)
      .filter((file) => pattern.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file))
      .sort();

  it('presigned GETs and object streams: only in BlobService (permits), upload checks, scanners and the git-oid backfill', () => {
    expect(callers(/\.presignGet\(/)).toEqual(['blobs/blob.service.ts']);
    // Stream reads that hand no byte to a client: the card reader (BlobService.readPrefix), the git-oid backfill (hashes
    // stored bytes in a job), the upload verifier (staged bytes, not a model's) and the scanners' byte source.
    expect(callers(/\.getStream\(/)).toEqual([
      'blobs/blob-git-oid-backfill.service.ts',
      'blobs/blob.service.ts',
      'blobs/upload-verifier.service.ts',
      'discovery/scanners/storage-source.ts',
    ]);
  });

  it('inline bytes: only BlobService (permits) and the scanners read them', () => {
    expect(callers(/\.readInline\(/)).toEqual(
      ['blobs/blob.service.ts', 'discovery/scanners/file-scan.service.ts', 'repo-history/file-download.service.ts', 'blobs/lfs-batch.service.ts'].sort(),
    );
    // Those outside BlobService call its permit-taking readInline.
    for (const file of ['repo-history/file-download.service.ts', 'blobs/lfs-batch.service.ts']) {
      expect(readFileSync(join(root, file), 'utf8')).toMatch(/blobService\.readInline\(permit|blobs\.readInline\(permit/);
    }
  });

  it('which namespaces a caller sees: decided in OrgAccessService.memberships alone', () => {
    // Besides where the principal is built (auth) and declared, only the one rule reads the token's organization restriction.
    expect(callers(/restrictedToOrgId/)).toEqual(['auth/auth.service.ts', 'common/auth/principal.ts', 'orgs/org-access.service.ts']);
  });

  it('permits: issued by ModelAccessService alone', () => {
    expect(callers(/new DownloadPermit\(/)).toEqual(['models/model-access.service.ts']);
  });
});
