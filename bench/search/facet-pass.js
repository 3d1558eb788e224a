#!/usr/bin/env node
// One CatalogIndex pass (page, total, every facet) over 100,000 synthetic models, in process:
// median ms of 200 queries per case (bench/README.md, "Search facets pass").
//
//   npx tsc -b && node bench/search/facet-pass.js [apps/api/dist of the build to time]
//
// Run it against two builds (e.g. main's and a branch's) to compare the hot loop.
const path = require('node:path');

const dist = path.resolve(process.argv[2] ?? path.join(__dirname, '../../apps/api/dist'));
const { CatalogIndex } = require(path.join(dist, 'discovery/search/catalog-index.js'));

const index = new CatalogIndex();
const licenses = ['mit', 'apache-2.0', 'cc-by-nc-4.0', 'llama2', 'openrail'];
for (let i = 0; i < 100_000; i++) {
  index.upsert({
    id: `id-${i}`,
    kind: 'model',
    docNo: i,
    namespaceId: `ns${i % 500}`,
    namespace: `org${i % 500}`,
    name: `m${i}`,
    private: false,
    license: licenses[i % 5],
    task: `task${i % 30}`,
    library: `lib${i % 10}`,
    tags: [`t${i % 50}`, `t${(i * 7) % 50}`],
    languages: ['en'],
    datasets: [],
    baseModels: [],
    baseModelRelation: null,
    taskCategories: [],
    sizeCategories: [],
    dataFormats: [],
    licenseConflict: false,
    downloads: i % 997,
    likes: i % 13,
    trendingScore: i % 101,
    parameters: i % 3 ? i * 1e6 : null,
    createdAt: new Date(i),
    lastModified: new Date(i),
    verified: i % 4 === 0,
    offerCommercial: false,
  });
}
const base = { visibleNamespaceIds: null, sort: 'downloads', limit: 20, facets: true, facetLimit: 20 };
const cases = { 'no filter': {}, task: { task: 'task3' }, 'commercial, verified, minParams': { commercial: true, verified: true, minParams: 1e9 } };
for (const [name, criteria] of Object.entries(cases)) {
  const ms = [];
  for (let r = 0; r < 200; r++) {
    const start = process.hrtime.bigint();
    index.query({ ...base, ...criteria });
    ms.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  ms.sort((a, b) => a - b);
  console.log(`${name}: ${ms[100].toFixed(2)} ms`);
}
