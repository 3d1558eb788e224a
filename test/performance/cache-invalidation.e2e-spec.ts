import { commit, put } from '../registry/commits-support';
import { bearer, createOrg, registerUser, type TestUser } from '../support/factories';
import { createModel, hubSql } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';
import { createModelWithFiles, grantTo, publishOffer, uniqueName } from '../licensing/licensing-support';
import { type HubProcess, startProcessReplicas } from '../platform/platform-helpers';

/**
 * The resolve path caches what moves (tokens, memberships, model settings, refs, grants) with
 * invalidation by PostgreSQL NOTIFY (apps/api/src/cache/). Two real hub processes on one
 * database: a change made through one is seen by the other within a second, for every kind of
 * change the caches hold, also after the other's notification connection was cut.
 */
describe('cache invalidation between two hub processes', () => {
  let setup: TestHub;
  let replicas: HubProcess[] = [];
  let a: TestHub;
  let b: TestHub;
  let owner: TestUser;
  let member: TestUser;
  let org: string;

  beforeAll(async () => {
    setup = await startTestHub({ env: { JOBS_ENABLED: 'false' } });
    ({
      processes: replicas,
      hubs: [a, b],
    } = await startProcessReplicas(setup, 2));
    [owner, member] = await Promise.all([registerUser(a, uniqueName('owner').replace(/-/g, '_')), registerUser(a, uniqueName('member').replace(/-/g, '_'))]);
    org = await createOrg(a, owner, uniqueName('cache'), [{ user: member, role: 'member' }]);
  }, 180_000);
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await setup?.close();
  });

  const head = (hub: TestHub, repo: string, auth: Record<string, string> = {}, file = 'config.json') =>
    hub.http().head(`/${repo}/resolve/main/${file}`).set(auth).redirects(0);

  /** Polls `b` until `seen` holds, and returns how long that took after `change` returned. */
  async function timeToSee(change: () => Promise<unknown>, seen: () => Promise<boolean>): Promise<number> {
    await change();
    const start = Date.now();
    while (!(await seen())) {
      if (Date.now() - start > 5_000) throw new Error('the other process did not see the change within 5 s');
      await new Promise((r) => setTimeout(r, 10));
    }
    return Date.now() - start;
  }

  /** Several answers in a row from `b` before the change, so that they come from its caches. */
  async function warm(check: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 3; i++) expect(await check()).toBe(true);
  }

  it('a revoked token stops working on the other process within a second', async () => {
    const model = await createModel(a, owner, { namespace: org, name: uniqueName('tok'), visibility: 'private' });
    await commit(a, owner, model.id, [put('config.json', '{}')]);
    const created = await a
      .http()
      .post('/api/v1/tokens')
      .set(member.auth)
      .send({ name: 'ci', scopes: ['read'] })
      .expect(201);
    const auth = bearer(created.body.token as string);
    const repo = `${org}/${model.name}`;
    await warm(async () => (await head(b, repo, auth)).status === 200);
    const ms = await timeToSee(
      () => a.http().delete(`/api/v1/tokens/${created.body.id}`).set(member.auth).expect(204),
      async () => (await head(b, repo, auth)).status === 401,
    );
    expect(ms).toBeLessThan(1_000);
  });

  it('a model made private disappears for outsiders on the other process within a second', async () => {
    const model = await createModel(a, owner, { namespace: org, name: uniqueName('vis') });
    await commit(a, owner, model.id, [put('config.json', '{}')]);
    const repo = `${org}/${model.name}`;
    await warm(async () => (await head(b, repo)).status === 200);
    const ms = await timeToSee(
      () => a.http().patch(`/api/v1/models/${repo}`).set(owner.auth).send({ visibility: 'private' }).expect(200),
      async () => (await head(b, repo)).status === 404,
    );
    expect(ms).toBeLessThan(1_000);
    // ...and members still see it.
    expect((await head(b, repo, member.auth)).status).toBe(200);
  });

  it('a moved branch resolves to the new commit on the other process within a second', async () => {
    const model = await createModel(a, owner, { namespace: org, name: uniqueName('ref') });
    const first = await commit(a, owner, model.id, [put('config.json', '{"v": 1}')]);
    const repo = `${org}/${model.name}`;
    await warm(async () => (await head(b, repo)).headers['x-repo-commit'] === first);
    let second = '';
    const ms = await timeToSee(
      async () => (second = await commit(a, owner, model.id, [put('config.json', '{"v": 2}')])),
      async () => (await head(b, repo)).headers['x-repo-commit'] === second,
    );
    expect(ms).toBeLessThan(1_000);
    // A new branch too (any ref the refs cache holds).
    await a.http().post(`/api/v1/models/${repo}/branches`).set(owner.auth).send({ name: 'dev' }).expect(201);
    const devMs = await timeToSee(
      async () => undefined,
      async () => (await b.http().head(`/${repo}/resolve/dev/config.json`).redirects(0)).status === 200,
    );
    expect(devMs).toBeLessThan(1_000);
  });

  it('a revoked grant stops downloads of a gated model on the other process within a second', async () => {
    const licensee = await registerUser(a, uniqueName('lic').replace(/-/g, '_'));
    const licenseeOrg = await createOrg(a, licensee, uniqueName('licensee'));
    const model = await createModelWithFiles(a, owner, org);
    const offer = await publishOffer(a, owner, model.id);
    const { grantId } = await grantTo(a, licensee, licenseeOrg, offer.id, owner);
    const repo = model.id;
    await warm(async () => (await head(b, repo, licensee.auth, model.weightsPath)).status === 302);
    const ms = await timeToSee(
      () => a.http().post(`/api/v1/grants/${grantId}/revoke`).set(owner.auth).send({ reason: 'test' }).expect(200),
      async () => (await head(b, repo, licensee.auth, model.weightsPath)).status === 403,
    );
    expect(ms).toBeLessThan(1_000);
    // Every download under the grant before the revoke has its audit entry, none after.
    const audits = await hubSql<{ n: number }>(
      setup,
      `SELECT count(*)::int AS n FROM license_audit_events WHERE grant_id = $1::uuid AND action = 'file.downloaded'`,
      grantId,
    );
    expect(audits[0].n).toBe(3);
  });

  it('a removed member loses a private model on the other process within a second', async () => {
    const leaving = await registerUser(a, uniqueName('leaving').replace(/-/g, '_'));
    await a.http().post(`/api/v1/orgs/${org}/members`).set(owner.auth).send({ username: leaving.username, role: 'member' }).expect(201);
    const model = await createModel(a, owner, { namespace: org, name: uniqueName('mem'), visibility: 'private' });
    await commit(a, owner, model.id, [put('config.json', '{}')]);
    const repo = `${org}/${model.name}`;
    await warm(async () => (await head(b, repo, leaving.auth)).status === 200);
    const ms = await timeToSee(
      () => a.http().delete(`/api/v1/orgs/${org}/members/${leaving.username}`).set(owner.auth).expect(204),
      async () => (await head(b, repo, leaving.auth)).status === 404,
    );
    expect(ms).toBeLessThan(1_000);
  });

  it('after its notification connection is cut, a process drops its caches and keeps seeing changes', async () => {
    const model = await createModel(a, owner, { namespace: org, name: uniqueName('cut') });
    const first = await commit(a, owner, model.id, [put('config.json', '{"v": 1}')]);
    const repo = `${org}/${model.name}`;
    await warm(async () => (await head(b, repo)).headers['x-repo-commit'] === first);
    // Both processes' listeners go; whatever is changed while they reconnect must still show.
    const cut = await hubSql<{ n: number }>(
      setup,
      `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = 'hub-cache-listener'`,
    );
    expect(cut[0].n).toBeGreaterThanOrEqual(2);
    let second = '';
    const ms = await timeToSee(
      async () => (second = await commit(a, owner, model.id, [put('config.json', '{"v": 2}')])),
      async () => (await head(b, repo)).headers['x-repo-commit'] === second,
    );
    expect(ms).toBeLessThan(1_000);
    // Listening again: the next change arrives by notice as before.
    await waitFor(
      async () =>
        (await hubSql<{ n: number }>(setup, `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'hub-cache-listener'`))[0].n >= 2,
    );
    let third = '';
    const again = await timeToSee(
      async () => (third = await commit(a, owner, model.id, [put('config.json', '{"v": 3}')])),
      async () => (await head(b, repo)).headers['x-repo-commit'] === third,
    );
    expect(again).toBeLessThan(1_000);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
