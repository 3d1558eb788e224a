import { commit, put } from '../registry/commits-support';
import { createOrg, registerUser, type TestUser } from '../support/factories';
import { createModel, hubSql } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';
import { DiscoveryJobsService } from '../../apps/api/src/discovery/discovery-jobs.service';
import { JobQueueService } from '../../apps/api/src/jobs/job-queue.service';
import { search } from './support/discovery';

/** Likes, the download-counting rules, per-day counts and the trending score, end to end. */
describe('signals: likes, downloads, trending', () => {
  let hub: TestHub;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let org: string;
  let repo: string;
  let secret: string;

  const info = async (id = repo, auth: Record<string, string> = {}) => (await hub.http().get(`/api/v1/models/${id}`).set(auth).expect(200)).body;
  const hfInfo = async (id = repo) => (await hub.http().get(`/api/models/${id}`).expect(200)).body;

  beforeAll(async () => {
    hub = await startTestHub();
    alice = await registerUser(hub);
    bob = await registerUser(hub);
    carol = await registerUser(hub);
    org = await createOrg(hub, alice);
    repo = (await createModel(hub, alice, { namespace: org, name: 'weights' })).id;
    secret = (await createModel(hub, alice, { namespace: org, name: 'secret', visibility: 'private' })).id;
    await commit(hub, alice, repo, [
      put('README.md', '---\nlicense: mit\n---\nWeights.'),
      put('config.json', '{"hidden_size": 8}'),
      put('tokenizer_config.json', '{}'),
      put('.gitattributes', '*.bin filter=lfs'),
      put('model.safetensors', 'weights-1'),
      put('shard/pytorch_model-00001.bin', 'weights-2'),
    ]);
  });
  afterAll(() => hub.close());

  describe('likes', () => {
    it('likes once, counts it on the model and in search, and takes it back', async () => {
      const first = await hub.http().post(`/api/v1/models/${repo}/like`).set(bob.auth).expect(200);
      expect(first.body).toEqual({ liked: true, likes: 1 });
      const again = await hub.http().post(`/api/v1/models/${repo}/like`).set(bob.auth).expect(200);
      expect(again.body).toEqual({ liked: true, likes: 1 });
      await hub.http().post(`/api/v1/models/${repo}/like`).set(carol.auth).expect(200);
      expect((await info()).likes).toBe(2);
      expect((await hfInfo()).likes).toBe(2);
      expect((await search(hub, { q: 'weights' })).items[0]).toMatchObject({ id: repo, likes: 2 });
      await hub.http().delete(`/api/v1/models/${repo}/like`).set(carol.auth).expect(204);
      await hub.http().delete(`/api/v1/models/${repo}/like`).set(carol.auth).expect(204);
      expect((await info()).likes).toBe(1);
    });

    it('needs an account, and a model the caller can see', async () => {
      await hub.http().post(`/api/v1/models/${repo}/like`).expect(401);
      const hidden = await hub.http().post(`/api/v1/models/${secret}/like`).set(bob.auth).expect(404);
      expect(hidden.body.code).toBe('repo_not_found');
      await hub.http().post(`/api/v1/models/${org}/no-such-model/like`).set(bob.auth).expect(404);
    });

    it("lists a user's likes newest first, without the models the caller cannot see", async () => {
      const other = (await createModel(hub, alice, { namespace: org, name: 'other' })).id;
      await hub.http().post(`/api/v1/models/${secret}/like`).set(alice.auth).expect(200);
      await hub.http().post(`/api/v1/models/${repo}/like`).set(alice.auth).expect(200);
      await hub.http().post(`/api/v1/models/${other}/like`).set(alice.auth).expect(200);
      const mine = await hub.http().get(`/api/v1/users/${alice.username}/likes`).set(alice.auth).expect(200);
      expect(mine.body.items.map((i: { model: { id: string } }) => i.model.id)).toEqual([other, repo, secret]);
      expect(mine.body.items[0]).toMatchObject({ likedAt: expect.any(String), model: { id: other, likes: 1 } });
      const seenByBob = await hub.http().get(`/api/v1/users/${alice.username}/likes`).set(bob.auth).expect(200);
      expect(seenByBob.body.items.map((i: { model: { id: string } }) => i.model.id)).toEqual([other, repo]);
      const anonymous = await hub.http().get(`/api/v1/users/${alice.username}/likes`).query({ limit: 1 }).expect(200);
      expect(anonymous.body.items.map((i: { model: { id: string } }) => i.model.id)).toEqual([other]);
      const next = await hub.http().get(`/api/v1/users/${alice.username}/likes`).query({ limit: 1, cursor: anonymous.body.nextCursor }).expect(200);
      expect(next.body.items.map((i: { model: { id: string } }) => i.model.id)).toEqual([repo]);
      expect(next.body.nextCursor).toBeNull();
      await hub.http().get('/api/v1/users/nobody-here/likes').expect(404);
    });
  });

  describe('download counting', () => {
    const file = (path: string) => `/api/v1/models/${repo}/files/${path}`;
    const resolve = (path: string) => `/${repo}/resolve/main/${path}`;
    const downloads = async () => (await info()).downloads as number;

    it('never counts HEAD, the card or config files', async () => {
      const before = await downloads();
      await hub.http().head(file('model.safetensors')).set(bob.auth).expect(200);
      await hub.http().head(resolve('model.safetensors')).set(bob.auth);
      for (const path of ['README.md', 'config.json', 'tokenizer_config.json', '.gitattributes']) {
        await hub.http().get(file(path)).set(bob.auth).expect(200);
        await hub.http().get(resolve(path)).set(bob.auth).expect(200);
      }
      expect(await downloads()).toBe(before);
      // Every GET is still recorded as an event (licensing audits them).
      const [events] = await hubSql<{ n: number }>(hub, `SELECT count(*)::int AS n FROM download_events WHERE path = 'config.json'`);
      expect(events.n).toBe(2);
    });

    it('counts a file at most once per user per day, whichever route or range', async () => {
      const before = await downloads();
      await hub.http().get(file('model.safetensors')).set(bob.auth).expect(200);
      await hub.http().get(resolve('model.safetensors')).set(bob.auth).expect(200);
      await hub.http().get(file('model.safetensors')).set(bob.auth).set('Range', 'bytes=2-4').expect(206);
      expect(await downloads()).toBe(before + 1);
      await hub.http().get(file('shard/pytorch_model-00001.bin')).set(bob.auth).expect(200); // another file
      await hub.http().get(file('model.safetensors')).set(carol.auth).expect(200); // another user
      expect(await downloads()).toBe(before + 3);
    });

    it('counts anonymous downloads once per address per day', async () => {
      const before = await downloads();
      await hub.http().get(file('model.safetensors')).expect(200);
      await hub.http().get(file('model.safetensors')).expect(200);
      expect(await downloads()).toBe(before + 1);
      const proxied = await hub.http().get(file('model.safetensors')).set('X-Forwarded-For', '203.0.113.9');
      expect(proxied.status).toBe(200);
      expect(await downloads()).toBe(before + 2); // the loopback proxy is trusted: another address
    });

    it('keeps counts per day and shows them with the trending score', async () => {
      const stats = await hub.http().get(`/api/v1/models/${repo}/downloads`).query({ days: 7 }).expect(200);
      const today = new Date().toISOString().slice(0, 10);
      expect(stats.body.days).toHaveLength(7);
      expect(stats.body.days[6]).toEqual({ day: today, downloads: 5 });
      expect(stats.body.days.slice(0, 6).every((d: { downloads: number }) => d.downloads === 0)).toBe(true);
      expect(stats.body.downloads).toBe(5);
      await hub.http().get(`/api/v1/models/${secret}/downloads`).expect(404);
      await hub.http().get(`/api/v1/models/${repo}/downloads`).query({ days: 0 }).expect(400);
    });
  });

  describe('trending', () => {
    it('weighs the last seven days, newer days more, likes as five downloads', async () => {
      const id = (await createModel(hub, alice, { namespace: org, name: 'trending' })).id;
      const day = (ago: number) => new Date(Date.now() - ago * 86_400_000).toISOString().slice(0, 10);
      for (const [ago, n] of [
        [0, 7],
        [3, 7],
        [6, 7],
        [7, 1000],
      ] as const) {
        await hubSql(
          hub,
          `INSERT INTO model_download_days (model_id, day, downloads) SELECT m.id, $2::date, $3 FROM models m WHERE m.name = $1`,
          'trending',
          day(ago),
          n,
        );
      }
      await hubSql(
        hub,
        `INSERT INTO model_likes (user_id, model_id, created_at) SELECT $1::uuid, m.id, now() - interval '1 day' FROM models m WHERE m.name = 'trending'`,
        bob.id,
      );
      await hub.app.get(DiscoveryJobsService).recomputeTrending();
      // 7·7/7 + 7·4/7 + 7·1/7 + 5·6/7; the day 7 days ago no longer counts.
      const expected = 7 + 4 + 1 + (5 * 6) / 7;
      expect((await info(id)).trendingScore).toBeCloseTo(expected, 3);
      expect((await hfInfo(id)).trendingScore).toBeCloseTo(expected, 3);
      expect((await search(hub, { sort: 'trending' })).items[0]).toMatchObject({ id, trendingScore: Math.round(expected * 1000) / 1000 });
    });

    it('rises at once with a counted download and a like, and decays to zero', async () => {
      const before = (await info()).trendingScore as number;
      await hub.http().get(`/api/v1/models/${repo}/files/shard/pytorch_model-00001.bin`).set(carol.auth).expect(200);
      expect((await info()).trendingScore).toBeCloseTo(before + 1, 3);
      await hubSql(hub, `UPDATE model_download_days SET day = day - 30`);
      await hubSql(hub, `UPDATE model_likes SET created_at = created_at - interval '30 days'`);
      await hub.app.get(DiscoveryJobsService).recomputeTrending();
      expect((await info()).trendingScore).toBe(0);
      expect((await search(hub, { sort: 'trending', limit: 100 })).items.every((i) => i.trendingScore === 0)).toBe(true);
    });

    it('runs as a scheduled job on the queue', async () => {
      const outcome = await hub.app.get(JobQueueService).runNow('discovery.trending');
      expect(outcome.state).toBe('completed');
      const schedules = await hubSql<{ name: string; cron: string }>(hub, `SELECT name, cron FROM pgboss.schedule WHERE name LIKE 'discovery.%' ORDER BY name`);
      expect(schedules.map((s) => s.name)).toEqual(['discovery.prune', 'discovery.trending']);
    });
  });
});
