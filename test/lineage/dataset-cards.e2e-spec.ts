import { put } from '../registry/commits-support';
import { createOrg, registerUser, type TestUser } from '../support/factories';
import { createModel } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';
import { card, commitTo } from './lineage-support';

/** Dataset cards as Hugging Face writes them: metadata, formats from the files, facets and filters. */
describe('dataset cards', () => {
  let hub: TestHub;
  let alice: TestUser;
  let org: string;

  const search = async (query: Record<string, string>) =>
    (
      await hub
        .http()
        .get('/api/v1/search')
        .query({ kind: 'dataset', org, ...query })
        .expect(200)
    ).body;
  const ids = (body: { items: { id: string }[] }) => body.items.map((i) => i.id).sort();

  beforeAll(async () => {
    hub = await startTestHub();
    alice = await registerUser(hub);
    org = await createOrg(hub, alice);
    await createModel(hub, alice, { namespace: org, name: 'reviews', kind: 'dataset' });
    await commitTo(hub, alice, 'datasets', `${org}/reviews`, [
      card({
        license: 'cc-by-4.0',
        pretty_name: 'Product reviews',
        task_categories: ['text-classification'],
        task_ids: ['sentiment-classification'],
        language: ['zh', 'en'],
        size_categories: ['10K<n<100K'],
        tags: ['reviews'],
        configs: [
          {
            config_name: 'default',
            data_files: [
              { split: 'train', path: 'data/train-*.parquet' },
              { split: 'test', path: 'data/test.jsonl' },
            ],
          },
        ],
      }),
      put('data/train-00000.parquet', 'PAR1'),
      put('data/test.jsonl', '{"text":"ok"}\n'),
      // Not named by the configs: not one of its formats.
      put('extra/notes.csv', 'a,b\n'),
    ]);
    await createModel(hub, alice, { namespace: org, name: 'speech', kind: 'dataset' });
    // No configs: the formats come from the files at main.
    await commitTo(hub, alice, 'datasets', `${org}/speech`, [
      card({ license: 'mit', task_categories: 'automatic-speech-recognition', language: 'fr', size_categories: '1K<n<10K' }),
      put('clips/a.wav', 'RIFF'),
      put('metadata.csv', 'file,text\n'),
    ]);
  });
  afterAll(() => hub.close());

  it('parses the card into metadata and formats, in native and Hugging Face info with HF dataset tags', async () => {
    const native = await hub.http().get(`/api/v1/datasets/${org}/reviews`).expect(200);
    expect(native.body).toMatchObject({
      kind: 'dataset',
      license: 'cc-by-4.0',
      taskCategories: ['text-classification'],
      sizeCategories: ['10K<n<100K'],
      languages: ['zh', 'en'],
      tags: ['reviews'],
      dataFormats: ['json', 'parquet'],
      cardWarnings: [],
    });
    expect(native.body.cardData).toMatchObject({ pretty_name: 'Product reviews', task_ids: ['sentiment-classification'] });
    const hf = await hub.http().get(`/api/datasets/${org}/reviews`).expect(200);
    expect(hf.body.tags).toEqual(
      expect.arrayContaining([
        'reviews',
        'task_categories:text-classification',
        'size_categories:10K<n<100K',
        'format:parquet',
        'format:json',
        'language:zh',
        'language:en',
        'license:cc-by-4.0',
      ]),
    );
    expect((await hub.http().get(`/api/v1/datasets/${org}/speech`).expect(200)).body.dataFormats).toEqual(['audiofolder', 'csv']);
  });

  it('counts facets of task category, language, size, licence and format', async () => {
    const all = await search({});
    expect(all.total).toBe(2);
    const counts = (name: string) => Object.fromEntries(all.facets[name].map((f: { value: string; count: number }) => [f.value, f.count]));
    expect(counts('taskCategories')).toEqual({ 'text-classification': 1, 'automatic-speech-recognition': 1 });
    expect(counts('languages')).toEqual({ zh: 1, en: 1, fr: 1 });
    expect(counts('sizeCategories')).toEqual({ '10K<n<100K': 1, '1K<n<10K': 1 });
    expect(counts('formats')).toEqual({ json: 1, parquet: 1, audiofolder: 1, csv: 1 });
    expect(counts('license')).toEqual({ 'cc-by-4.0': 1, mit: 1 });
  });

  it('searches by task category, language, size and format (native and Hugging Face filters)', async () => {
    expect(ids(await search({ taskCategory: 'Text-Classification' }))).toEqual([`${org}/reviews`]);
    expect(ids(await search({ language: 'fr' }))).toEqual([`${org}/speech`]);
    expect(ids(await search({ sizeCategory: '1K<n<10K' }))).toEqual([`${org}/speech`]);
    expect(ids(await search({ format: 'parquet' }))).toEqual([`${org}/reviews`]);
    const narrowed = await search({ format: 'csv', taskCategory: 'text-classification' });
    expect(narrowed.total).toBe(0);
    // A facet leaves its own filter out: both formats' datasets still count under format.
    expect(Object.fromEntries(narrowed.facets.formats.map((f: { value: string; count: number }) => [f.value, f.count]))).toEqual({ json: 1, parquet: 1 });
    const hf = await hub.http().get('/api/datasets').query({ author: org, filter: 'task_categories:automatic-speech-recognition' }).expect(200);
    expect(hf.body.map((d: { id: string }) => d.id)).toEqual([`${org}/speech`]);
    const both = await hub
      .http()
      .get('/api/datasets')
      .query({ author: org, filter: ['format:parquet', 'language:zh'] })
      .expect(200);
    expect(both.body.map((d: { id: string }) => d.id)).toEqual([`${org}/reviews`]);
  });

  it('keeps the formats current when the files at main change', async () => {
    await commitTo(hub, alice, 'datasets', `${org}/speech`, [put('clips/b.flac', 'fLaC'), { op: 'delete', path: 'metadata.csv' }]);
    expect((await hub.http().get(`/api/v1/datasets/${org}/speech`).expect(200)).body.dataFormats).toEqual(['audiofolder']);
    expect(ids(await search({ format: 'csv' }))).toEqual([]);
  });
});
