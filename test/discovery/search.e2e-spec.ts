import { buildSafetensors } from './support/checkpoints';
import { eventually, facet, ids, modelWithCard, readme, search, type SearchBody } from './support/discovery';
import { commit, put } from '../registry/commits-support';
import { createOrg, registerUser, type TestUser } from '../support/factories';
import { createModel, hubSql } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';

/**
 * GET /api/v1/search end to end: a small catalogue committed through the API (cards in English and
 * Chinese, an organization verified by the administrator, a private model, safetensors files the
 * scan job counts), then every filter, sort and facet, visibility, Chinese, typos and paging.
 */
describe('search', () => {
  let hub: TestHub;
  let admin: TestUser;
  let alice: TestUser;
  let bob: TestUser;
  const acme = `acme${Date.now().toString(36)}`;
  const labs = `labs${Date.now().toString(36)}`;
  let BERT: string, LLAMA: string, SENTIMENT: string, SECRET: string, T5: string, WHISPER: string;

  beforeAll(async () => {
    hub = await startTestHub();
    admin = await registerUser(hub); // the first account is the platform administrator
    alice = await registerUser(hub);
    bob = await registerUser(hub);
    await createOrg(hub, alice, acme);
    await createOrg(hub, alice, labs);
    await hub.http().post(`/api/v1/admin/orgs/${acme}/verify`).set(admin.auth).expect(200);

    BERT = await modelWithCard(
      hub,
      alice,
      acme,
      'bert-base-chinese',
      {
        meta: { license: 'apache-2.0', pipeline_tag: 'fill-mask', library_name: 'transformers', tags: ['bert', 'chinese'], language: ['zh'] },
        body: '# BERT base Chinese\n\n中文预训练模型，适用于情感分析、文本分类等任务。',
      },
      { files: [put('model.safetensors', buildSafetensors({ 'embeddings.weight': { dtype: 'F32', shape: [30, 10] } }))] },
    );
    LLAMA = await modelWithCard(
      hub,
      alice,
      acme,
      'llama-7b-chat',
      {
        meta: { license: 'llama2', pipeline_tag: 'text-generation', library_name: 'transformers', tags: ['llama', 'chat'], language: ['en'] },
        body: 'A chat model tuned for dialogue. Helpful and harmless answers in English.',
      },
      { files: [put('model.safetensors', buildSafetensors({ 'lm_head.weight': { dtype: 'F16', shape: [1000, 7] } }))] },
    );
    SENTIMENT = await modelWithCard(hub, alice, labs, 'sentiment-zh', {
      meta: { license: 'cc-by-nc-4.0', pipeline_tag: 'text-classification', library_name: 'transformers', tags: ['sentiment', 'chat'], language: ['zh'] },
      body: '用于电商评论的中文情感分析模型。 Fine-tuned from BERT on product reviews.',
    });
    SECRET = await modelWithCard(
      hub,
      alice,
      labs,
      'secret-sentiment',
      {
        meta: { license: 'mit', pipeline_tag: 'text-classification', library_name: 'transformers', tags: ['sentiment'], language: ['en'] },
        body: 'Internal sentiment classifier.',
      },
      { visibility: 'private' },
    );
    T5 = await modelWithCard(hub, alice, alice.username, 'tiny-t5', {
      meta: { license: 'MIT', pipeline_tag: 'translation', library_name: 'transformers', tags: ['t5'], language: ['en', 'fr'] },
      body: 'Translates English to French.',
    });
    WHISPER = await modelWithCard(hub, alice, labs, 'whisper-small', {
      meta: { license: 'mit', pipeline_tag: 'automatic-speech-recognition', library_name: 'transformers', tags: ['audio'], language: ['en'] },
      body: 'Speech recognition.',
    });
    // Counters as downloads, likes and trending produce them (their own flows are tested in signals).
    const counters: [string, number, number, number][] = [
      [BERT, 50, 3, 1],
      [LLAMA, 900, 40, 30],
      [SENTIMENT, 10, 7, 2],
      [SECRET, 5000, 0, 99],
      [T5, 0, 1, 0.5],
      [WHISPER, 300, 0, 8],
    ];
    for (const [id, downloads, likes, trending] of counters) {
      const [ns, name] = id.split('/');
      await hubSql(
        hub,
        `UPDATE models m SET downloads = $3, likes = $4, trending_score = $5 FROM namespaces n WHERE n.id = m.namespace_id AND n.name = $1 AND m.name = $2`,
        ns,
        name,
        downloads,
        likes,
        trending,
      );
    }
    // The scan job (after each commit) fills in the parameter counts.
    await eventually(
      () => search(hub, { minParams: 1 }),
      (b) => b.total === 2,
    );
  });
  afterAll(() => hub.close());

  const PUBLIC = () => [BERT, LLAMA, SENTIMENT, T5, WHISPER];

  describe('visibility', () => {
    it('never shows a private model, nor counts it, to those who cannot see it', async () => {
      for (const auth of [{}, bob.auth]) {
        const all = await search(hub, { limit: 100 }, auth);
        expect(ids(all).sort()).toEqual(PUBLIC().sort());
        expect(all.total).toBe(5);
        expect(facet(all, 'org')[labs]).toBe(2);
        expect(facet(all, 'license')['mit']).toBe(2);
        expect(facet(all, 'tags')['sentiment']).toBe(1);
        const q = await search(hub, { q: 'secret' }, auth);
        expect(q.total).toBe(0);
      }
    });

    it('shows it to members of its organization, in results and counts', async () => {
      const all = await search(hub, { limit: 100 }, alice.auth);
      expect(all.total).toBe(6);
      expect(ids(all)).toContain(SECRET);
      expect(facet(all, 'org')[labs]).toBe(3);
      expect(facet(all, 'tags')['sentiment']).toBe(2);
      expect(ids(await search(hub, { q: 'secret' }, alice.auth))).toEqual([SECRET]);
    });
  });

  describe('filters', () => {
    const only = async (query: Record<string, string | number | boolean | string[]>) => ids(await search(hub, { ...query, limit: 100 })).sort();

    it('task, library, licence (any case), organization, tag, language', async () => {
      expect(await only({ task: 'translation' })).toEqual([T5]);
      expect(await only({ library: 'transformers' })).toEqual(PUBLIC().sort());
      expect(await only({ license: 'mit' })).toEqual([T5, WHISPER].sort());
      expect(await only({ license: 'CC-BY-NC-4.0' })).toEqual([SENTIMENT]);
      expect(await only({ org: labs })).toEqual([SENTIMENT, WHISPER].sort());
      expect(await only({ org: labs.toUpperCase() })).toEqual([SENTIMENT, WHISPER].sort());
      expect(await only({ tag: 'chat' })).toEqual([LLAMA, SENTIMENT].sort());
      expect(await only({ tag: ['chat', 'sentiment'] })).toEqual([SENTIMENT]);
      expect(await only({ language: 'zh' })).toEqual([BERT, SENTIMENT].sort());
      expect(await only({ language: 'fr' })).toEqual([T5]);
      expect(await only({ task: 'no-such-task' })).toEqual([]);
    });

    it('verified organizations only', async () => {
      expect(await only({ verified: true })).toEqual([BERT, LLAMA].sort());
      const items = (await search(hub, { verified: true })).items;
      expect(items.every((i) => i.verified)).toBe(true);
      expect(await only({ verified: false })).toEqual([SENTIMENT, T5, WHISPER].sort());
    });

    it('commercial use: the card licence through the SPDX table, or a live licence offer', async () => {
      // apache-2.0, llama2 (conditional) and MIT allow it; cc-by-nc-4.0 does not.
      expect(await only({ commercial: true })).toEqual([BERT, LLAMA, T5, WHISPER].sort());
      expect(await only({ commercial: false })).toEqual([SENTIMENT]);
      // labs sells a commercial licence for sentiment-zh: an offer whose current terms allow it.
      const [offer] = await hubSql<{ id: string }>(
        hub,
        `INSERT INTO license_offers (id, model_id, kind, title, approval, updated_at)
         SELECT gen_random_uuid(), m.id, 'custom', 'Commercial licence', 'manual', now() FROM models m WHERE m.name = 'sentiment-zh' RETURNING id`,
      );
      await hubSql(hub, `INSERT INTO license_terms_versions (offer_id, version, text, commercial_use) VALUES ($1::uuid, 1, 'Terms', true)`, offer.id);
      expect(await only({ commercial: true })).toEqual(PUBLIC().sort());
      await hubSql(hub, `UPDATE license_offers SET withdrawn_at = now() WHERE id = $1::uuid`, offer.id);
      expect(await only({ commercial: false })).toEqual([SENTIMENT]);
    });

    it('parameter count range, from the safetensors headers (7B-style values accepted)', async () => {
      expect(await only({ minParams: 1000 })).toEqual([LLAMA]);
      expect(await only({ maxParams: '1k' })).toEqual([BERT]);
      expect(await only({ minParams: 300, maxParams: 7000 })).toEqual([BERT, LLAMA].sort());
      const res = await search(hub, { q: 'llama' });
      expect(res.items[0]).toMatchObject({ id: LLAMA, parameters: 7000 });
    });

    it('refuses bad filter values with a clear 400', async () => {
      const bad = async (query: Record<string, string>, message: RegExp) => {
        const res = await hub.http().get('/api/v1/search').query(query).expect(400);
        expect(res.body.error).toMatch(message);
      };
      await bad({ commercial: 'maybe' }, /commercial must be true or false/);
      await bad({ minParams: 'lots' }, /minParams must be a number/);
      await bad({ minParams: '2B', maxParams: '1B' }, /minParams \(2000000000\) is above maxParams \(1000000000\)/);
      await bad({ sort: 'stars' }, /sort must be one of relevance, downloads, likes, trending, updated, created, parameters/);
      await bad({ limit: '0' }, /limit/);
      await bad({ cursor: 'nonsense' }, /cursor/);
      await bad({ q: 'a b c d e f g h i j k' }, /q has 11 distinct words; search takes at most 10/);
    });
  });

  describe('facets', () => {
    it('counts task, licence, library, organization and tags, each with the other filters applied', async () => {
      const res = await search(hub, { task: 'text-classification', license: 'mit' }, alice.auth);
      expect(ids(res)).toEqual([SECRET]);
      // task facet: licence mit applied, not task: secret (text-classification), tiny-t5, whisper.
      expect(facet(res, 'task')).toEqual({ 'text-classification': 1, translation: 1, 'automatic-speech-recognition': 1 });
      // licence facet: task applied, not licence: secret (mit) and sentiment-zh (cc-by-nc-4.0).
      expect(facet(res, 'license')).toEqual({ mit: 1, 'cc-by-nc-4.0': 1 });
      // the others with both filters: only secret.
      expect(facet(res, 'library')).toEqual({ transformers: 1 });
      expect(facet(res, 'org')).toEqual({ [labs]: 1 });
      expect(facet(res, 'tags')).toEqual({ sentiment: 1 });
    });

    it('applies the text query and non-facet filters to every facet', async () => {
      const res = await search(hub, { language: 'zh', org: labs });
      expect(ids(res)).toEqual([SENTIMENT]);
      expect(facet(res, 'org')).toEqual({ [acme]: 1, [labs]: 1 });
      expect(facet(res, 'task')).toEqual({ 'text-classification': 1 });
      const text = await search(hub, { q: 'whisper' });
      expect(facet(text, 'task')).toEqual({ 'automatic-speech-recognition': 1 });
    });

    it('counts commercial use, verified and parameter size, each without its own filter', async () => {
      const all = await search(hub, {});
      expect(facet(all, 'commercial')).toEqual({ true: 4, false: 1 });
      expect(facet(all, 'verified')).toEqual({ true: 2, false: 3 });
      // Only bert and llama have safetensors (hundreds, thousands of parameters); the rest count in no bucket.
      expect(facet(all, 'parameters')).toEqual({ '<1B': 2 });
      const res = await search(hub, { commercial: true, verified: false, maxParams: '1k' });
      expect(ids(res)).toEqual([]);
      // verified facet: commercial and the range applied, not verified: bert.
      expect(facet(res, 'verified')).toEqual({ true: 1 });
      // parameters facet: commercial and verified=false applied: t5 and whisper, of unknown size.
      expect(facet(res, 'parameters')).toEqual({});
      expect(facet(await search(hub, { verified: true, maxParams: '1k' }), 'parameters')).toEqual({ '<1B': 2 });
      expect(facet(await search(hub, { verified: false }), 'commercial')).toEqual({ true: 2, false: 1 });
    });

    it('lists values most frequent first', async () => {
      const res = await search(hub, {});
      expect(res.facets.library).toEqual([{ value: 'transformers', count: 5 }]);
      expect(res.facets.org[0]).toEqual({ value: acme, count: 2 });
    });
  });

  describe('full text', () => {
    it('ranks name matches first, then tags and card text', async () => {
      const res = await search(hub, { q: 'bert' });
      expect(ids(res)).toEqual([BERT, SENTIMENT]); // sentiment-zh only says "BERT" in its card
    });

    it('finds Chinese words in Chinese cards, segmented in the application', async () => {
      expect(ids(await search(hub, { q: '情感分析' })).sort()).toEqual([BERT, SENTIMENT].sort());
      expect(ids(await search(hub, { q: '电商' }))).toEqual([SENTIMENT]); // inside 用于电商评论
      expect(ids(await search(hub, { q: '评论 情感' }))).toEqual([SENTIMENT]);
      expect(ids(await search(hub, { q: '中文预训练' }))).toEqual([BERT]);
      expect(ids(await search(hub, { q: '机器翻译' }))).toEqual([]);
    });

    it('tolerates typos and partial names (trigrams)', async () => {
      expect(ids(await search(hub, { q: 'lama' }))[0]).toBe(LLAMA);
      expect(ids(await search(hub, { q: 'whispr-smal' }))[0]).toBe(WHISPER);
      expect(ids(await search(hub, { q: 'sentimen' }))[0]).toBe(SENTIMENT);
    });

    it('corrects a transposition in a short word, and finds a word inside a name word', async () => {
      // Only the name: sentiment-zh says "BERT" in its card, but a correction matches names alone.
      expect(ids(await search(hub, { q: 'bret' }))).toEqual([BERT]);
      expect(ids(await search(hub, { q: 'hisper' }))).toEqual([WHISPER]);
      expect(ids(await search(hub, { q: 'entimen' }))).toEqual([SENTIMENT]); // not the private one
    });

    it('falls back to a prefix match for queries too short for trigrams', async () => {
      expect(ids(await search(hub, { q: 't5' }))).toEqual([T5]);
      expect(ids(await search(hub, { q: 'wh' }))).toEqual([WHISPER]);
    });

    it('puts an exact namespace/name first; matches namespaces and tags', async () => {
      expect(ids(await search(hub, { q: LLAMA }))[0]).toBe(LLAMA);
      expect(ids(await search(hub, { q: acme })).sort()).toEqual([BERT, LLAMA].sort());
      expect(ids(await search(hub, { q: 'audio' }))).toEqual([WHISPER]);
    });

    it('combines text with filters and other sorts', async () => {
      expect(ids(await search(hub, { q: 'chat', language: 'zh' }))).toEqual([SENTIMENT]);
      expect(ids(await search(hub, { q: 'sentiment OR chat', sort: 'downloads' }))).toEqual([]);
      expect(ids(await search(hub, { q: 'chat', sort: 'downloads' }))).toEqual([LLAMA, SENTIMENT]);
    });
  });

  describe('sorts', () => {
    const order = async (sort: string) => ids(await search(hub, { sort, limit: 100 }));

    it('downloads, likes, trending, parameters: descending', async () => {
      expect(await order('downloads')).toEqual([LLAMA, WHISPER, BERT, SENTIMENT, T5]);
      expect((await order('likes')).slice(0, 4)).toEqual([LLAMA, SENTIMENT, BERT, T5]);
      expect(await order('trending')).toEqual([LLAMA, WHISPER, SENTIMENT, BERT, T5]);
      expect((await order('parameters')).slice(0, 2)).toEqual([LLAMA, BERT]);
      // Without a query, relevance is the trending order.
      expect(await order('relevance')).toEqual(await order('trending'));
    });

    it('updated and created: newest first', async () => {
      expect(await order('created')).toEqual([WHISPER, T5, SENTIMENT, LLAMA, BERT]);
      await hubSql(hub, `UPDATE models SET last_modified = now() + interval '1 minute' WHERE name = 'bert-base-chinese'`);
      expect((await order('updated'))[0]).toBe(BERT);
    });

    it('shows downloads, likes and trendingScore in each item', async () => {
      const res = await search(hub, { q: 'llama-7b-chat' });
      expect(res.items[0]).toMatchObject({
        id: LLAMA,
        namespace: acme,
        name: 'llama-7b-chat',
        task: 'text-generation',
        library: 'transformers',
        license: 'llama2',
        tags: ['llama', 'chat'],
        language: ['en'],
        downloads: 900,
        likes: 40,
        trendingScore: 30,
        parameters: 7000,
        verified: true,
      });
      expect(Date.parse(res.items[0].updatedAt)).not.toBeNaN();
    });
  });

  describe('cursor pagination', () => {
    async function walk(query: Record<string, string | number>, between?: () => Promise<void>): Promise<string[]> {
      const seen: string[] = [];
      let page: SearchBody = await search(hub, { ...query, limit: 2 });
      seen.push(...ids(page));
      while (page.nextCursor) {
        await between?.();
        page = await search(hub, { ...query, limit: 2, cursor: page.nextCursor });
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...ids(page));
      }
      return seen;
    }

    it('walks every result once, for each sort', async () => {
      for (const sort of ['relevance', 'downloads', 'likes', 'trending', 'updated', 'created', 'parameters']) {
        const walked = await walk({ sort });
        expect(walked).toEqual(ids(await search(hub, { sort, limit: 100 })));
      }
      const walkedText = await walk({ q: 'chat sentiment bert 中文' });
      expect(walkedText).toEqual(ids(await search(hub, { q: 'chat sentiment bert 中文', limit: 100 })));
    });

    it('stays stable while models are added between pages', async () => {
      const before = ids(await search(hub, { sort: 'created', limit: 100 }));
      let n = 0;
      const walked = await walk({ sort: 'created' }, async () => {
        await createModel(hub, alice, { name: `inserted-${n++}` });
      });
      expect(walked).toEqual(before); // new models sort before the cursor: no duplicate, no gap
      const walkedDownloads = await walk({ sort: 'downloads' }, async () => {
        await createModel(hub, alice, { name: `inserted-${n++}` });
      });
      expect(new Set(walkedDownloads).size).toBe(walkedDownloads.length);
      for (const id of PUBLIC()) expect(walkedDownloads).toContain(id);
    });

    it('refuses a cursor of a listing with another sort', async () => {
      const page = await search(hub, { sort: 'downloads', limit: 1 });
      const res = await hub.http().get('/api/v1/search').query({ sort: 'likes', cursor: page.nextCursor }).expect(400);
      expect(res.body.code).toBe('invalid_cursor');
    });
  });

  describe('one engine for every listing', () => {
    it('Hugging Face GET /api/models goes through it: author, search, filter, trending sort', async () => {
      const hf = await hub.http().get('/api/models').query({ author: acme, sort: 'trendingScore' }).expect(200);
      expect(hf.body.map((m: { id: string }) => m.id)).toEqual([LLAMA, BERT]);
      expect(hf.body[0]).toMatchObject({ likes: 40, downloads: 900, trendingScore: 30 });
      const filtered = await hub.http().get('/api/models').query({ filter: 'chinese', search: 'bert' }).expect(200);
      expect(filtered.body.map((m: { id: string }) => m.id)).toEqual([BERT]);
      const hidden = await hub.http().get('/api/models').query({ search: 'secret' }).expect(200);
      expect(hidden.body).toEqual([]);
    });

    it('native GET /api/v1/models too', async () => {
      const res = await hub.http().get('/api/v1/models').query({ author: labs, sort: 'downloads' }).set(alice.auth).expect(200);
      expect(res.body.items.map((m: { id: string }) => m.id)).toEqual([SECRET, WHISPER, SENTIMENT]);
    });

    it('sees deletions and settings changes at once', async () => {
      await hub.http().patch(`/api/v1/models/${WHISPER}`).set(alice.auth).send({ visibility: 'private' }).expect(200);
      expect(ids(await search(hub, { q: 'whisper' }))).toEqual([]);
      await hub.http().patch(`/api/v1/models/${WHISPER}`).set(alice.auth).send({ visibility: 'public' }).expect(200);
      expect(ids(await search(hub, { q: 'whisper' }))).toEqual([WHISPER]);
      const doomed = `${alice.username}/doomed`;
      await createModel(hub, alice, { name: 'doomed' });
      expect(ids(await search(hub, { q: 'doomed' }))).toEqual([doomed]);
      await hub.http().delete(`/api/v1/models/${doomed}`).set(alice.auth).expect(204);
      expect(ids(await search(hub, { q: 'doomed' }))).toEqual([]);
    });

    it('keeps the matches of a word it has already searched for exact as cards change', async () => {
      // The first search keeps the word's matches; every later write must still show in them.
      expect(ids(await search(hub, { q: 'quokka' }))).toEqual([]);
      const id = await modelWithCard(hub, alice, labs, 'marsupial-detector', { meta: { license: 'mit' }, body: 'Finds a quokka in a photo.' });
      expect(ids(await search(hub, { q: 'quokka' }))).toEqual([id]);
      await commit(hub, alice, id, [put('README.md', readme({ license: 'mit' }, 'Finds wombats.'))], { summary: 'Wombats now' });
      expect(ids(await search(hub, { q: 'quokka' }))).toEqual([]);
      expect(ids(await search(hub, { q: 'wombats' }))).toEqual([id]);
      expect(ids(await search(hub, { q: 'marsupial wombats' }))).toEqual([id]);
      await hub.http().delete(`/api/v1/models/${id}`).set(alice.auth).expect(204);
      expect(ids(await search(hub, { q: 'wombats' }))).toEqual([]);
    });

    it('sees an organization becoming unverified at once', async () => {
      await hub.http().post(`/api/v1/admin/orgs/${acme}/unverify`).set(admin.auth).expect(200);
      expect((await search(hub, { verified: true })).total).toBe(0);
      await hub.http().post(`/api/v1/admin/orgs/${acme}/verify`).set(admin.auth).expect(200);
      expect((await search(hub, { verified: true })).total).toBe(2);
    });
  });
});
