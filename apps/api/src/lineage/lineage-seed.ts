import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { bulk, bulkBranches, bulkCommits, commitId, pgArray, prng } from '../discovery/seed/seed-sql';

/**
 * Datasets and the lineage graph on top of a seeded catalogue (catalogue-seed.ts), in bulk SQL:
 * datasets with card metadata and formats, each with its `main`; models in generations (a third
 * are foundation models, the rest fine-tunes, adapters, quantizations and merges of the previous
 * generation, popular bases chosen most), so chains reach depth 6; half the models name 1-3
 * datasets (popular ones most), and a few references name repositories that do not exist.
 * The upstream licence conflict flags are not computed (a commit on a repository computes its own
 * and its descendants').
 */
export interface LineageSeedReport {
  datasets: number;
  edges: number;
  maxDepth: number;
}

const WORDS = ['reviews', 'news', 'dialogue', 'code', 'math', 'medical', 'legal', 'speech', 'images', 'instructions', 'wiki', 'qa', 'translation', 'web'];
const SUFFIX = ['corpus', 'set', 'bench', 'zh', 'en', 'v2', 'clean', 'mini', 'large'];
const TASKS = [
  'text-classification',
  'question-answering',
  'translation',
  'summarization',
  'text-generation',
  'automatic-speech-recognition',
  'image-classification',
];
const SIZES = ['n<1K', '1K<n<10K', '10K<n<100K', '100K<n<1M', '1M<n<10M'];
const FORMATS = [
  ['parquet', 6],
  ['json', 3],
  ['csv', 2],
  ['text', 1],
  ['imagefolder', 1],
  ['arrow', 1],
] as const;
const LICENSES = [
  ['cc-by-4.0', 4],
  ['apache-2.0', 3],
  ['mit', 3],
  ['cc-by-nc-4.0', 2],
  ['cc-by-sa-4.0', 1],
  ['other', 1],
  ['odc-by', 1],
] as const;
const RELATIONS = [
  ['finetune', 50],
  ['adapter', 20],
  ['quantized', 25],
  ['merge', 5],
] as const;
// Share of models in each generation after the foundation models (generation 0).
const GENERATIONS = [0.34, 0.3, 0.18, 0.09, 0.05, 0.025, 0.015];

export async function seedLineage(pool: Pool, opts: { datasets: number; seed?: number }): Promise<LineageSeedReport> {
  const r = prng((opts.seed ?? 42) + 1);
  const db = await pool.connect();
  try {
    const orgs = (await db.query<{ id: string; name: string }>(`SELECT id::text, name FROM namespaces WHERE kind = 'org' ORDER BY name`)).rows;
    const models = (
      await db.query<{ id: string; ref: string }>(
        `SELECT m.id::text, n.name || '/' || m.name AS ref FROM models m JOIN namespaces n ON n.id = m.namespace_id WHERE m.kind = 'model' ORDER BY m.downloads DESC, m.id`,
      )
    ).rows;
    if (!orgs.length) throw new Error('seed the catalogue first: no organizations');
    // A popular one more often: the square of a uniform number favours the front (most downloaded first).
    const popular = <T>(xs: T[]): T => xs[Math.floor(r.next() ** 2 * xs.length)];

    await db.query('BEGIN');
    const datasets: { ref: string }[] = [];
    const datasetRows: unknown[][] = [];
    const commits: unknown[][] = [];
    const branches: unknown[][] = [];
    const names = new Set<string>();
    for (let i = 0; i < opts.datasets; i++) {
      const org = r.pick(orgs);
      const base = `${r.pick(WORDS)}-${r.pick(WORDS)}-${r.pick(SUFFIX)}`;
      let name = base;
      for (let k = 2; names.has(`${org.id}/${name}`); k++) name = `${base}-${k}`;
      names.add(`${org.id}/${name}`);
      const id = randomUUID();
      const license = r.weighted(LICENSES);
      const task = r.pick(TASKS);
      const size = r.pick(SIZES);
      const formats = [...new Set([r.weighted(FORMATS), ...(r.next() < 0.2 ? [r.weighted(FORMATS)] : [])])].sort();
      const languages = r.next() < 0.3 ? ['zh', 'en'] : ['en'];
      const at = new Date(Date.now() - r.next() * 700 * 86_400_000);
      const cardData = { license, task_categories: [task], size_categories: [size], language: languages };
      datasetRows.push([
        id,
        'dataset',
        org.id,
        name,
        name.toLowerCase(),
        r.next() < 0.05,
        license,
        pgArray([task]),
        pgArray([size]),
        pgArray(formats),
        pgArray(languages),
        JSON.stringify(cardData),
        Math.floor(Math.exp(r.next() * 10)),
        at,
        at,
        at,
      ]);
      const commit = commitId();
      commits.push([commit, id, null, null, 'Initial commit', at]);
      branches.push([id, 'main', commit, at]);
      datasets.push({ ref: `${org.name}/${name}` });
    }
    await bulk(
      db,
      'models',
      [
        ['id', 'uuid'],
        ['kind', 'repo_kind'],
        ['namespace_id', 'uuid'],
        ['name', 'text'],
        ['name_key', 'text'],
        ['private', 'bool'],
        ['license', 'text'],
        ['task_categories', 'text[]'],
        ['size_categories', 'text[]'],
        ['data_formats', 'text[]'],
        ['languages', 'text[]'],
        ['card_data', 'jsonb'],
        ['downloads', 'int4'],
        ['created_at', 'timestamp'],
        ['last_modified', 'timestamp'],
        ['updated_at', 'timestamp'],
      ],
      datasetRows,
    );
    await bulkCommits(db, commits);
    await bulkBranches(db, branches);

    // Generations: each model's bases come from the generation before it.
    const generation: { id: string; ref: string }[][] = GENERATIONS.map(() => []);
    const shuffled = [...models];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = r.int(i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    let at = 0;
    GENERATIONS.forEach((share, g) => {
      const n = g === GENERATIONS.length - 1 ? shuffled.length - at : Math.round(share * shuffled.length);
      generation[g] = shuffled.slice(at, at + n);
      at += n;
    });
    const edges: unknown[][] = [];
    const updates: unknown[][] = [];
    const key = (ref: string) => ref.toLowerCase().split('/');
    for (let g = 0; g < generation.length; g++) {
      for (const m of generation[g]) {
        const bases: string[] = [];
        let relation: string | null = null;
        if (g > 0 && generation[g - 1].length) {
          relation = r.weighted(RELATIONS);
          const count = relation === 'merge' ? 2 : 1;
          for (let k = 0; k < count; k++) bases.push(popular(generation[g - 1]).ref);
          if (r.next() < 0.02) bases.push(`unreleased/${m.ref.split('/')[1]}-base`);
        }
        const named = r.next() < 0.5 ? [...new Set(Array.from({ length: 1 + r.int(3) }, () => popular(datasets).ref))] : [];
        if (named.length && r.next() < 0.03) named.push(`private-data/${r.pick(WORDS)}`);
        for (const b of new Set(bases)) edges.push([m.id, 'model', ...key(b), b, relation, 'inferred']);
        for (const d of named) edges.push([m.id, 'dataset', ...key(d), d, 'dataset', 'card']);
        if (bases.length || named.length) updates.push([m.id, pgArray([...new Set(bases)]), pgArray(named), relation]);
      }
    }
    await bulk(
      db,
      'lineage_edges',
      [
        ['child_id', 'uuid'],
        ['parent_kind', 'repo_kind'],
        ['parent_namespace_key', 'text'],
        ['parent_name_key', 'text'],
        ['parent_ref', 'text'],
        ['relation', 'lineage_relation'],
        ['source', 'lineage_source'],
      ],
      edges,
      'ON CONFLICT DO NOTHING',
    );
    await db.query(
      `UPDATE models m SET base_models = u.bases::text[], datasets = u.datasets::text[], base_model_relation = u.relation::lineage_relation
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS u(id, bases, datasets, relation) WHERE m.id = u.id`,
      [updates.map((u) => u[0]), updates.map((u) => u[1]), updates.map((u) => u[2]), updates.map((u) => u[3])],
    );
    await db.query('COMMIT');
    return { datasets: datasetRows.length, edges: edges.length, maxDepth: generation.filter((x) => x.length).length };
  } catch (err) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    db.release();
  }
}
