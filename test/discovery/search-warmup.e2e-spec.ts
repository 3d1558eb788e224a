import type { IncomingMessage, Server } from 'node:http';
import { Pool } from 'pg';
import { DiscoverySearchService } from '../../apps/api/src/discovery/search/discovery-search.service';
import { SearchIndexRepository } from '../../apps/api/src/discovery/search/search-index.repository';
import { SearchWarmup } from '../../apps/api/src/discovery/search/search-warmup.service';
import { seedCatalogue } from '../../apps/api/src/discovery/seed/catalogue-seed';
import { startTestHub, type TestHub } from '../support/test-hub';
import { eventually } from './support/discovery';

/**
 * The search warm-up at start (docs/discovery.md, "Search from the first query"): on a seeded
 * catalogue, a second process of the hub loads its index and matches the frequent words in the
 * background; their first search then needs no PostgreSQL match, and answers exactly what a
 * process that matched them itself answers. Searches are answered while it warms, and a process
 * closed in the middle of it stops cleanly.
 */
describe('search warm-up', () => {
  let cold: TestHub;
  const others: TestHub[] = [];
  const total = (res: { body: { total: number } }) => res.body.total;

  beforeAll(async () => {
    cold = await startTestHub({ env: { SEARCH_WARMUP: 'false' } });
    const pool = new Pool({ connectionString: cold.databaseUrl, max: 2 });
    try {
      await seedCatalogue(pool, { models: 2500, seed: 7, passwordHash: 'not-a-login' });
    } finally {
      await pool.end();
    }
  }, 120_000);

  afterAll(async () => {
    for (const h of others) await h.close();
    await cold?.close();
  });

  const replica = async () => {
    const hub = await startTestHub({ databaseUrl: cold.databaseUrl });
    others.push(hub);
    return hub;
  };

  it('matches the frequent words at start, so their first search is answered from the part cache', async () => {
    const warm = await replica();
    const warmup = warm.app.get(SearchWarmup);
    await warmup.done();
    expect(warmup.report).toMatchObject({ words: expect.any(Number), parts: expect.any(Number) });
    expect(warmup.report!.words).toBeGreaterThan(5);

    const repo = warm.app.get(SearchIndexRepository);
    const [word] = await repo.frequentWords(1, 0.005, 50);
    const matchPart = jest.spyOn(repo, 'matchPart');
    const first = await warm.http().get('/api/v1/search').query({ q: word }).expect(200);
    expect(matchPart).not.toHaveBeenCalled();
    expect(total(first)).toBeGreaterThanOrEqual(50);
    // The same answer as a process that matched the word in PostgreSQL at this search.
    const fresh = await cold.http().get('/api/v1/search').query({ q: word }).expect(200);
    expect(first.body.items.map((i: { id: string }) => i.id)).toEqual(fresh.body.items.map((i: { id: string }) => i.id));
    expect(total(first)).toBe(total(fresh));

    // A word too rare to be warmed is matched at its first search, as before.
    await warm.http().get('/api/v1/search').query({ q: 'zzyzxunseenword' }).expect(200);
    expect(matchPart).toHaveBeenCalledTimes(1);
    matchPart.mockRestore();

    // A bulk import (more cards rewritten than are re-matched) drops the cached parts: warmed again.
    const pool = new Pool({ connectionString: cold.databaseUrl, max: 1 });
    try {
      await pool.query(`UPDATE models SET search_body = search_body || ' imported'`);
    } finally {
      await pool.end();
    }
    await warm.http().get('/api/v1/search').query({ q: 'imported' }).expect(200);
    await eventually(
      async () => warmup.report?.round,
      (round) => round === 2,
    );
    const again = jest.spyOn(repo, 'matchPart');
    await warm.http().get('/api/v1/search').query({ q: word }).expect(200);
    expect(again).not.toHaveBeenCalled();
    again.mockRestore();
  }, 90_000);

  it('runs its last step over HTTP to the hub itself once the hub listens', async () => {
    const listening = await startTestHub({ databaseUrl: cold.databaseUrl, listen: true });
    others.push(listening);
    const warmup = listening.app.get(SearchWarmup);
    await warmup.done();
    const urls: string[] = [];
    const server = listening.app.getHttpServer() as Server;
    const agents = new Set<string | undefined>();
    const seen = (req: IncomingMessage) => {
      agents.add(req.headers['user-agent']);
      urls.push(req.url!);
    };
    server.on('request', seen);
    const search = jest.spyOn(listening.app.get(DiscoverySearchService), 'search');
    await warmup.afterWarm!(['chat', 'model']);
    server.off('request', seen);
    // The landing shapes, the two words, an organization's page: each a request, answered by the search.
    expect(urls.map((u) => new URL(u, 'http://hub').searchParams.toString())).toEqual([
      '',
      'sort=trending',
      'q=model&sort=downloads&limit=20',
      'q=chat',
      'q=model',
      expect.stringMatching(/^org=[^&]+&sort=trending&limit=50$/),
    ]);
    expect([...agents]).toEqual(['model-hub-search-warmup']);
    expect(search).toHaveBeenCalledTimes(6);
    search.mockRestore();
  }, 60_000);

  it('answers searches while it warms, and stops cleanly when the process closes during it', async () => {
    const warming = await startTestHub({ databaseUrl: cold.databaseUrl });
    const res = await warming.http().get('/api/v1/search').query({ q: 'chat' }).expect(200);
    const reference = await cold.http().get('/api/v1/search').query({ q: 'chat' }).expect(200);
    expect(total(res)).toBe(total(reference));
    const warmup = warming.app.get(SearchWarmup);
    await expect(warming.close()).resolves.toBeUndefined();
    await expect(warmup.done()).resolves.toBeUndefined();
  }, 60_000);

  it('is off with SEARCH_WARMUP=false', async () => {
    expect(cold.app.get(SearchWarmup).report).toBeNull();
    await cold.app.get(SearchWarmup).done();
    expect(cold.app.get(SearchWarmup).report).toBeNull();
  });
});
