import { CatalogIndex } from './catalog-index';
import { CatalogRow, EngineCriteria } from './catalog-types';

let n = 0;
const row = (over: Partial<CatalogRow>): CatalogRow => ({
  id: `00000000-0000-0000-0000-${String(++n).padStart(12, '0')}`,
  kind: 'model',
  docNo: 100 + n,
  namespaceId: 'ns-a',
  namespace: 'Acme',
  name: `m${n}`,
  private: false,
  license: 'mit',
  task: 'text-classification',
  library: 'transformers',
  tags: [],
  languages: ['en'],
  datasets: [],
  baseModels: [],
  baseModelRelation: null,
  taskCategories: [],
  sizeCategories: [],
  dataFormats: [],
  licenseConflict: false,
  downloads: 0,
  likes: 0,
  trendingScore: 0,
  parameters: null,
  createdAt: new Date(0),
  lastModified: new Date(0),
  verified: false,
  offerCommercial: false,
  ...over,
});

const base: EngineCriteria = { visibleNamespaceIds: null, sort: 'downloads', limit: 10, facets: true, facetLimit: 20 };

describe('CatalogIndex', () => {
  const index = new CatalogIndex();
  const a = row({ downloads: 5, tags: ['chat', 'Chat'] });
  const b = row({ downloads: 9, task: 'translation', license: 'cc-by-nc-4.0' });
  const c = row({ downloads: 7, namespace: 'Beta', namespaceId: 'ns-b', private: true, tags: ['chat'] });
  const d = row({ downloads: 7, license: 'cc-by-nc-4.0', tags: ['chat'], parameters: 7e9 });
  [a, b, c, d].forEach((r) => index.upsert(r));

  it('hides private models from results and counts unless their namespace is visible', () => {
    expect(index.query(base).total).toBe(3);
    expect(index.query(base).facets!.org).toEqual([{ value: 'Acme', count: 3 }]);
    const member = index.query({ ...base, visibleNamespaceIds: new Set(['ns-b']) });
    expect(member.total).toBe(4);
    expect(member.facets!.org).toEqual([
      { value: 'Acme', count: 3 },
      { value: 'Beta', count: 1 },
    ]);
  });

  it('counts each facet with the other filters applied, not its own', () => {
    const r = index.query({ ...base, task: 'text-classification', license: 'mit' });
    expect(r.items.map((e) => e.id)).toEqual([a.id]);
    // task facet: license=mit applied, task not: a (text-classification) only, b is cc-by-nc.
    expect(r.facets!.task).toEqual([{ value: 'text-classification', count: 1 }]);
    // license facet: task applied, license not: a (mit) and d (cc-by-nc-4.0).
    expect(r.facets!.license).toEqual([
      { value: 'cc-by-nc-4.0', count: 1 },
      { value: 'mit', count: 1 },
    ]);
    expect(r.facets!.tags).toEqual([{ value: 'chat', count: 1 }]);
  });

  it('filters commercial use from the licence table, and parameter ranges', () => {
    expect(index.query({ ...base, commercial: true }).items.map((e) => e.id)).toEqual([a.id]);
    expect(index.query({ ...base, commercial: false }).total).toBe(2);
    expect(index.query({ ...base, minParams: 1e9 }).items.map((e) => e.id)).toEqual([d.id]);
  });

  it('pages by keyset, ties broken by id, unaffected by inserts above the cursor', () => {
    const first = index.query({ ...base, limit: 1 });
    expect(first.items.map((e) => e.id)).toEqual([b.id, d.id]);
    index.upsert(row({ downloads: 100 }));
    const second = index.query({ ...base, limit: 1, after: { value: 9, id: b.id } });
    expect(second.items.map((e) => e.id)).toEqual([d.id, a.id]);
  });

  it('visits text matches only, by document number, scored for relevance', () => {
    const textMatches = {
      docs: Int32Array.from([a.docNo, d.docNo, 999]), // 999: a model not in the index yet
      ranks: Float32Array.from([0.5, 0.1, 1]),
      query: { name: a.name.toLowerCase(), namespace: null }, // exact name 100, prefix 20, substring 10
    };
    const r = index.query({ ...base, sort: 'relevance', textMatches });
    expect(r.items.map((e) => e.id)).toEqual([a.id, d.id]);
    expect(r.sortValues[0]).toBe(135);
    expect(r.facets!.license).toEqual([
      { value: 'cc-by-nc-4.0', count: 1 },
      { value: 'mit', count: 1 },
    ]);
  });

  it('drops removed models, and keeps document numbers right for the model moved into the slot', () => {
    index.remove(a.id);
    expect(index.get(a.id)).toBeUndefined();
    expect(index.query({ ...base, tags: ['chat'] }).items.map((e) => e.id)).toEqual([d.id]);
    const textMatches = { docs: Int32Array.from([a.docNo, b.docNo, d.docNo]), ranks: new Float32Array(3), query: { name: 'zzz', namespace: null } };
    expect(index.query({ ...base, textMatches }).items.map((e) => e.id)).toEqual([b.id, d.id]);
    expect(index.knownDocs([a.id, d.id])).toEqual([d.docNo]);
  });
});

describe('CatalogIndex row facets (datasets, licence conflicts)', () => {
  const index = new CatalogIndex();
  const csv = row({ taskCategories: ['text-classification'], sizeCategories: ['1K<n<10K'], dataFormats: ['csv'] });
  const parquet = row({ taskCategories: ['translation'], sizeCategories: ['1K<n<10K'], dataFormats: ['parquet'], languages: ['fr'] });
  const conflicted = row({ licenseConflict: true, baseModels: ['Acme/Base'], baseModelRelation: 'quantized' });
  [csv, parquet, conflicted].forEach((r) => index.upsert(r));

  it('filters by a row facet and counts that facet without its own filter', () => {
    const r = index.query({ ...base, rowFilters: { formats: 'PARQUET' } });
    expect(r.items.map((e) => e.id)).toEqual([parquet.id]);
    expect(r.facets!.formats).toEqual([
      { value: 'csv', count: 1 },
      { value: 'parquet', count: 1 },
    ]);
    expect(r.facets!.taskCategories).toEqual([{ value: 'translation', count: 1 }]);
  });

  it('one failing filter of two keeps the row out of the results and out of the other facets', () => {
    const r = index.query({ ...base, rowFilters: { formats: 'csv', sizeCategories: '1K<n<10K' } });
    expect(r.items.map((e) => e.id)).toEqual([csv.id]);
    expect(r.facets!.sizeCategories).toEqual([{ value: '1K<n<10K', count: 1 }]);
    expect(r.facets!.formats).toEqual([
      { value: 'csv', count: 1 },
      { value: 'parquet', count: 1 },
    ]);
  });

  it('the licence conflict facet and filter, and base_model:{relation}:{repo}', () => {
    const all = index.query(base);
    expect(all.facets!.licenseConflict).toEqual([
      { value: 'false', count: 2 },
      { value: 'true', count: 1 },
    ]);
    expect(index.query({ ...base, rowFilters: { licenseConflict: 'true' } }).items.map((e) => e.id)).toEqual([conflicted.id]);
    expect(index.query({ ...base, hfTags: ['base_model:quantized:acme/base'] }).items.map((e) => e.id)).toEqual([conflicted.id]);
    expect(index.query({ ...base, hfTags: ['base_model:finetune:acme/base'] }).total).toBe(0);
    expect(index.query({ ...base, hfTags: ['base_model:Acme/Base'] }).total).toBe(1);
  });
});

describe('CatalogIndex language facet', () => {
  const index = new CatalogIndex();
  const many = row({ languages: ['en', 'fr', 'de', 'es', 'it', 'zh'] });
  const cased = row({ languages: ['EN', 'fr', 'fr'] });
  const dataset = row({ kind: 'dataset', languages: ['ja'], dataFormats: ['csv'] });
  [many, cased, dataset].forEach((r) => index.upsert(r));

  it('counts every language once per model, case folded, beyond what the column holds too', () => {
    const count = (r: ReturnType<CatalogIndex['query']>) => Object.fromEntries(r.facets!.languages.map((f) => [f.value, f.count]));
    expect(count(index.query(base))).toEqual({ en: 2, fr: 2, de: 1, es: 1, it: 1, zh: 1, ja: 1 });
    expect(count(index.query({ ...base, kind: 'model' }))).toEqual({ en: 2, fr: 2, de: 1, es: 1, it: 1, zh: 1 });
    // A model failing only the format filter still counts in formats, not in languages.
    expect(count(index.query({ ...base, rowFilters: { formats: 'parquet' } }))).toEqual({});
  });

  it("filters by any of a model's languages, beyond what the column holds too", () => {
    const ids = (language: string) => index.query({ ...base, language }).items.map((e) => e.id);
    expect(ids('zh')).toEqual([many.id]);
    expect(ids('it')).toEqual([many.id]);
    expect(ids('En').sort()).toEqual([many.id, cased.id].sort());
    expect(ids('pt')).toEqual([]);
  });
});

describe('CatalogIndex commercial, verified and parameter-size facets', () => {
  const index = new CatalogIndex();
  const small = row({ parameters: 3e8, verified: true });
  const mid = row({ parameters: 7e9, license: 'cc-by-nc-4.0', verified: true });
  const big = row({ parameters: 7e10, license: 'cc-by-nc-4.0' });
  const unknown = row({ parameters: null });
  [small, mid, big, unknown].forEach((r) => index.upsert(r));

  it('counts all three over every match, models of unknown size in no bucket', () => {
    const f = index.query(base).facets!;
    expect(f.commercial).toEqual([
      { value: 'false', count: 2 },
      { value: 'true', count: 2 },
    ]);
    expect(f.verified).toEqual([
      { value: 'false', count: 2 },
      { value: 'true', count: 2 },
    ]);
    expect(f.parameters).toEqual([
      { value: '<1B', count: 1 },
      { value: '1B-10B', count: 1 },
      { value: '10B-100B', count: 1 },
    ]);
  });

  it('leaves each facet its own filter out and applies the others', () => {
    const r = index.query({ ...base, commercial: false, minParams: 1e9, maxParams: 1e10 - 1 });
    expect(r.items.map((e) => e.id)).toEqual([mid.id]);
    // commercial: the range applied (mid only), commercial not.
    expect(r.facets!.commercial).toEqual([{ value: 'false', count: 1 }]);
    // parameters: commercial=false applied (mid, big), the range not.
    expect(r.facets!.parameters).toEqual([
      { value: '1B-10B', count: 1 },
      { value: '10B-100B', count: 1 },
    ]);
    // verified: both filters applied.
    expect(r.facets!.verified).toEqual([{ value: 'true', count: 1 }]);
    expect(index.query({ ...base, verified: true, commercial: true }).facets!.verified).toEqual([
      { value: 'false', count: 1 },
      { value: 'true', count: 1 },
    ]);
  });
});
