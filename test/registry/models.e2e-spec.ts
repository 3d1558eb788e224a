import { createOrg, registerUser, type TestUser } from '../support/factories';
import { applyReadme, createModel, hubSql } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';

describe('models (native API)', () => {
  let hub: TestHub;
  let alice: TestUser;
  beforeAll(async () => {
    hub = await startTestHub();
    alice = await registerUser(hub);
  });
  afterAll(() => hub.close());

  describe('create', () => {
    it('creates a public model in the user namespace, with an initial commit on main', async () => {
      const m = await createModel(hub, alice, { name: 'First-Model' });
      expect(m).toMatchObject({
        id: `${alice.username}/First-Model`,
        namespace: alice.username,
        name: 'First-Model',
        visibility: 'public',
        private: false,
        gated: false,
        license: null,
        tags: [],
        cardData: null,
        cardWarnings: [],
        downloads: 0,
        likes: 0,
      });
      expect(m.sha).toMatch(/^[0-9a-f]{40}$/);
      const commits = await hubSql<{ id: string; parent_id: string | null; title: string }>(
        hub,
        `SELECT c.id, c.parent_id, c.title FROM commits c JOIN models m ON m.id = c.model_id WHERE m.name = $1`,
        'First-Model',
      );
      expect(commits).toEqual([{ id: m.sha, parent_id: null, title: 'Initial commit' }]);
      const branches = await hubSql(hub, `SELECT b.name, b.commit_id FROM branches b JOIN models m ON m.id = b.model_id WHERE m.name = $1`, 'First-Model');
      expect(branches).toEqual([{ name: 'main', commit_id: m.sha }]);
      // Lookups are case-insensitive and answer with the spelling of the creator.
      const got = await hub.http().get(`/api/v1/models/${alice.username.toUpperCase()}/first-model`).expect(200);
      expect(got.body).toMatchObject({ id: m.id, sha: m.sha });
    });

    it('creates in an organization for any member; visibility at creation', async () => {
      const bob = await registerUser(hub);
      const org = await createOrg(hub, alice, undefined, [{ user: bob, role: 'member' }]);
      const priv = await createModel(hub, bob, { namespace: org, name: 'secret', visibility: 'private' });
      expect(priv).toMatchObject({ id: `${org}/secret`, visibility: 'private', private: true, gated: false });
      const gated = await createModel(hub, bob, { namespace: org, name: 'gated', visibility: 'gated' });
      expect(gated).toMatchObject({ visibility: 'gated', private: false, gated: 'auto' });
    });

    it.each([
      ['a--b', 'must not contain "--" or ".."'],
      ['a..b', 'must not contain "--" or ".."'],
      ['-x', 'must start with a letter or digit'],
      ['x.', 'must not end with "-" or "."'],
      ['weights.git', 'must not end in ".git"'],
      ['has space', 'may contain only letters'],
      ['x'.repeat(97), 'at most 96 characters'],
      ['', 'must not be empty'],
    ])('refuses the name %j with 400', async (name, message) => {
      const res = await hub.http().post('/api/v1/models').set(alice.auth).send({ namespace: alice.username, name }).expect(400);
      expect(res.body.code).toBe('invalid_model_name');
      expect(res.body.error).toContain(message);
      expect(res.body.details).toEqual([{ field: 'name', message: expect.stringContaining(message) }]);
    });

    it('refuses a bad body with 400', async () => {
      const res = await hub.http().post('/api/v1/models').set(alice.auth).send({ namespace: alice.username, name: 'ok', visibility: 'secret' }).expect(400);
      expect(res.body.error).toContain('visibility must be one of public, private, gated');
      await hub.http().post('/api/v1/models').set(alice.auth).send({ namespace: alice.username }).expect(400);
    });

    it('answers 409 for an existing name, whatever its case, with the url', async () => {
      await createModel(hub, alice, { name: 'Dup' });
      const res = await hub.http().post('/api/v1/models').set(alice.auth).send({ namespace: alice.username, name: 'dUP' }).expect(409);
      expect(res.body).toMatchObject({ code: 'model_exists', url: expect.stringMatching(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/${alice.username}/Dup$`)) });
      expect(res.body.error).toContain('already exists');
    });

    it('the same name in two namespaces is fine', async () => {
      const carol = await registerUser(hub);
      await createModel(hub, alice, { name: 'shared-name' });
      await createModel(hub, carol, { name: 'shared-name' });
    });

    it('404 for an unknown namespace, 401 anonymous', async () => {
      const res = await hub.http().post('/api/v1/models').set(alice.auth).send({ namespace: 'nobody-here', name: 'x' }).expect(404);
      expect(res.body.error).toContain("Namespace 'nobody-here' not found");
      await hub.http().post('/api/v1/models').send({ namespace: alice.username, name: 'x' }).expect(401);
    });
  });

  describe('settings', () => {
    it('switches visibility and gating', async () => {
      const m = await createModel(hub, alice);
      const url = `/api/v1/models/${m.id}`;
      const patch = (body: object) => hub.http().patch(url).set(alice.auth).send(body);
      expect((await patch({ visibility: 'gated' }).expect(200)).body).toMatchObject({ visibility: 'gated', private: false, gated: 'auto' });
      expect((await patch({ gated: 'manual' }).expect(200)).body).toMatchObject({ visibility: 'gated', gated: 'manual' });
      // Private wins over gated, and the gating mode is kept for when it is public again.
      expect((await patch({ visibility: 'private' }).expect(200)).body).toMatchObject({ visibility: 'private', private: true, gated: 'manual' });
      expect((await patch({ private: false }).expect(200)).body).toMatchObject({ visibility: 'gated', private: false, gated: 'manual' });
      expect((await patch({ visibility: 'public' }).expect(200)).body).toMatchObject({ visibility: 'public', private: false, gated: false });
      expect((await patch({}).expect(200)).body).toMatchObject({ visibility: 'public' });
    });

    it('refuses contradictory or invalid settings', async () => {
      const m = await createModel(hub, alice);
      const url = `/api/v1/models/${m.id}`;
      const c = await hub.http().patch(url).set(alice.auth).send({ visibility: 'public', private: true }).expect(400);
      expect(c.body).toMatchObject({ code: 'conflicting_visibility' });
      const g = await hub.http().patch(url).set(alice.auth).send({ gated: true }).expect(400);
      expect(g.body.error).toContain('gated must be false, "auto" or "manual"');
      await hub.http().patch(url).set(alice.auth).send({ name: 'rename' }).expect(400);
    });
  });

  describe('delete', () => {
    it('deletes the model with its history; the name can be reused', async () => {
      const m = await createModel(hub, alice, { name: 'doomed' });
      await hub.http().delete(`/api/v1/models/${m.id}`).set(alice.auth).expect(204);
      const gone = await hub.http().get(`/api/v1/models/${m.id}`).expect(404);
      expect(gone.headers['x-error-code']).toBe('RepoNotFound');
      expect(await hubSql(hub, `SELECT id FROM commits WHERE id = $1`, m.sha)).toEqual([]);
      expect(await hubSql(hub, `SELECT name FROM branches WHERE commit_id = $1`, m.sha)).toEqual([]);
      await hub.http().delete(`/api/v1/models/${m.id}`).set(alice.auth).expect(404);
      const again = await createModel(hub, alice, { name: 'doomed' });
      expect(again.sha).not.toBe(m.sha);
    });
  });

  describe('model card metadata', () => {
    it('shows what applyCard parsed, and warnings for a broken card', async () => {
      const m = await createModel(hub, alice);
      await applyReadme(
        hub,
        m.id,
        '---\nlicense: mit\npipeline_tag: fill-mask\nlibrary_name: transformers\nlanguage: [en, fr]\ntags: [a, b]\ndatasets: d/x\nbase_model: o/base\n---\n# Card',
      );
      const good = await hub.http().get(`/api/v1/models/${m.id}`).expect(200);
      expect(good.body).toMatchObject({
        license: 'mit',
        pipelineTag: 'fill-mask',
        libraryName: 'transformers',
        languages: ['en', 'fr'],
        tags: ['a', 'b'],
        datasets: ['d/x'],
        baseModels: ['o/base'],
        cardData: { license: 'mit', datasets: 'd/x' },
        cardWarnings: [],
      });
      await applyReadme(hub, m.id, '---\nlicense: [oops\n---\n');
      const bad = await hub.http().get(`/api/v1/models/${m.id}`).expect(200);
      expect(bad.body).toMatchObject({ license: null, tags: [], cardData: null, cardWarnings: [expect.stringContaining('Invalid YAML metadata')] });
      await applyReadme(hub, m.id, null);
      expect((await hub.http().get(`/api/v1/models/${m.id}`).expect(200)).body).toMatchObject({ cardData: null, cardWarnings: [] });
    });
  });

  describe('list', () => {
    let owner: TestUser;
    let outsider: TestUser;
    let org: string;
    const names = ['alpha-bert', 'beta-bert', 'gamma-gpt', 'delta-gpt', 'epsilon-t5'];

    beforeAll(async () => {
      owner = await registerUser(hub);
      outsider = await registerUser(hub);
      org = await createOrg(hub, owner);
      for (const [i, name] of names.entries()) {
        const m = await createModel(hub, owner, { namespace: org, name });
        const task = name.endsWith('bert') ? 'fill-mask' : 'text-generation';
        await applyReadme(
          hub,
          m.id,
          `---\nlicense: ${i % 2 ? 'mit' : 'apache-2.0'}\npipeline_tag: ${task}\nlibrary_name: transformers\ntags: [t${i}, common]\ndatasets: [ds${i}]\n---\n`,
        );
        await hubSql(hub, `UPDATE models SET downloads = $1, likes = $2 WHERE id = (SELECT id FROM models WHERE name = $3)`, (i * 7) % 5, 10 - i, name);
      }
      await createModel(hub, owner, { namespace: org, name: 'zeta-private', visibility: 'private' });
    });

    const list = (query: Record<string, string | string[]>, user?: TestUser) => {
      const req = hub.http().get('/api/v1/models').query(query);
      return (user ? req.set(user.auth) : req).expect(200).then((r) => r.body as { items: { name: string }[]; nextCursor: string | null });
    };
    const namesOf = (body: { items: { name: string }[] }) => body.items.map((m) => m.name);

    it('filters by author, search, tag and pipelineTag', async () => {
      expect(namesOf(await list({ author: org, sort: 'createdAt' }))).toEqual([...names].reverse());
      expect(namesOf(await list({ author: org.toUpperCase(), search: 'BERT', sort: 'createdAt' }))).toEqual(['beta-bert', 'alpha-bert']);
      expect(namesOf(await list({ search: `${org}/gpt`, sort: 'createdAt' }))).toEqual(['delta-gpt', 'gamma-gpt']);
      expect(namesOf(await list({ author: org, tag: 't2' }))).toEqual(['gamma-gpt']);
      expect(namesOf(await list({ author: org, tag: ['common', 'license:mit'], sort: 'createdAt' }))).toEqual(['delta-gpt', 'beta-bert']);
      expect(namesOf(await list({ author: org, tag: ['transformers', 'dataset:ds4'] }))).toEqual(['epsilon-t5']);
      expect(namesOf(await list({ author: org, pipelineTag: 'fill-mask', sort: 'createdAt' }))).toEqual(['beta-bert', 'alpha-bert']);
      expect(namesOf(await list({ author: org, search: 'nothing-matches' }))).toEqual([]);
    });

    it('sorts by downloads, likes, lastModified and createdAt (descending)', async () => {
      expect(namesOf(await list({ author: org, sort: 'likes' }))).toEqual(names);
      // downloads: alpha 0, beta 2, gamma 4, delta 1, epsilon 3
      expect(namesOf(await list({ author: org, sort: 'downloads' }))).toEqual(['gamma-gpt', 'epsilon-t5', 'beta-bert', 'delta-gpt', 'alpha-bert']);
      await hubSql(hub, `UPDATE models SET last_modified = now() + interval '1 hour' WHERE name = 'beta-bert'`);
      expect(namesOf(await list({ author: org, sort: 'lastModified' }))[0]).toBe('beta-bert');
      expect(namesOf(await list({ author: org }))[0]).toBe('beta-bert');
    });

    it('pages with a cursor, without gaps or repeats, also on ties', async () => {
      await hubSql(hub, `UPDATE models SET downloads = 1 WHERE name IN ('alpha-bert', 'beta-bert', 'gamma-gpt')`);
      for (const sort of ['downloads', 'likes', 'createdAt', 'lastModified']) {
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const page = await list({ author: org, sort, limit: '2', ...(cursor ? { cursor } : {}) });
          seen.push(...namesOf(page));
          cursor = page.nextCursor;
          pages++;
        } while (cursor);
        expect(pages).toBe(3);
        expect([...seen].sort()).toEqual([...names].sort());
        expect(seen).toEqual(namesOf(await list({ author: org, sort })));
      }
    });

    it('refuses foreign or garbage cursors and bad parameters', async () => {
      const page = await list({ author: org, sort: 'likes', limit: '2' });
      const wrongSort = await hub.http().get('/api/v1/models').query({ sort: 'downloads', cursor: page.nextCursor! }).expect(400);
      expect(wrongSort.body.error).toContain("sorted by 'likes'");
      await hub.http().get('/api/v1/models').query({ cursor: 'garbage' }).expect(400);
      const sort = await hub.http().get('/api/v1/models').query({ sort: 'stars' }).expect(400);
      expect(sort.body.error).toContain('sort must be one of downloads, likes, lastModified, createdAt');
      await hub.http().get('/api/v1/models').query({ limit: '0' }).expect(400);
      await hub.http().get('/api/v1/models').query({ limit: '101' }).expect(400);
    });

    it('shows private models to members only', async () => {
      expect(namesOf(await list({ author: org }, owner))).toContain('zeta-private');
      expect(namesOf(await list({ author: org }, outsider))).not.toContain('zeta-private');
      expect(namesOf(await list({ author: org }))).not.toContain('zeta-private');
      expect(namesOf(await list({ search: 'zeta' }))).toEqual([]);
    });
  });
});
