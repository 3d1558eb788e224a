import { createHash, randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { searchDocument } from '../search/search-text';
import {
  APPS_ZH,
  DATASETS,
  DATASETS_ZH,
  DOMAINS,
  DOMAINS_ZH,
  EN_SENTENCES,
  FAMILIES,
  FIRST,
  LICENSES,
  ORG_SUFFIX,
  ORG_WORDS,
  SENTIMENT_EN,
  SENTIMENT_ZH,
  TAG_POOL,
  TASK_ZH,
  VARIANTS,
  ZH_SENTENCES,
  paramsOf,
} from './catalogue-vocabulary';
import { seedOffers } from './catalogue-offers';
import { bulk, bulkBranches, bulkCommits, commitId, pgArray, prng } from './seed-sql';

/**
 * A realistic catalogue written straight into PostgreSQL with bulk statements (INSERT ... SELECT
 * FROM unnest of one array per column, thousands of rows a statement), not through the API:
 * 100,000 models in well under a minute. Used by `node apps/api/dist/cli/seed.js` (a populated hub
 * to look at) and by bench/search.
 *
 * What it writes, as the hub itself would have: users and organizations (their namespaces,
 * memberships, a third of the organizations verified), models with an initial commit, a commit
 * adding README.md (English or Chinese card with front-matter, stored inline as a blob) and `main`
 * on it; card columns and the search document; parameter counts as the safetensors scan would
 * leave them; licence offers with terms; likes (rows and counts), downloads with counts for the
 * last days, and trending scores computed by the same SQL as the trending job.
 */
export interface SeedOptions {
  models: number;
  /** PRNG seed: the same seed gives the same catalogue. */
  seed?: number;
  /** Password of every seeded user (already hashed with the hub's hasher). */
  passwordHash: string;
  log?: (line: string) => void;
}

export interface SeedReport {
  users: number;
  organizations: number;
  models: number;
  likes: number;
  offers: number;
  downloadDays: number;
  milliseconds: number;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
export async function seedCatalogue(pool: Pool, opts: SeedOptions): Promise<SeedReport> {
  const started = Date.now();
  const log = opts.log ?? (() => undefined);
  const r = prng(opts.seed ?? 42);
  const N = opts.models;
  const userCount = Math.max(10, Math.ceil(N / 20));
  const orgCount = Math.max(5, Math.ceil(N / 50));
  const db = await pool.connect();
  try {
    const taken = new Set((await db.query<{ name_key: string }>('SELECT name_key FROM namespaces')).rows.map((x) => x.name_key));
    const unique = (base: string) => {
      let name = base;
      for (let k = 2; taken.has(name.toLowerCase()); k++) name = `${base}-${k}`;
      taken.add(name.toLowerCase());
      return name;
    };
    const now = Date.now();
    const past = (days: number) => new Date(now - r.next() * days * 86_400_000);

    // Users and organizations, each with its namespace.
    const namespaces: unknown[][] = [];
    const users: { id: string; nsId: string; name: string }[] = [];
    for (let i = 0; i < userCount; i++) {
      const name = unique(`${r.pick(FIRST)}-${r.pick(FIRST)}${r.int(1000)}`);
      const u = { id: randomUUID(), nsId: randomUUID(), name };
      users.push(u);
      namespaces.push([u.nsId, name, name.toLowerCase(), 'user', past(900)]);
    }
    const orgs: { id: string; nsId: string; name: string; verified: boolean }[] = [];
    for (let i = 0; i < orgCount; i++) {
      const name = unique(`${r.pick(ORG_WORDS)}-${r.pick(ORG_WORDS)}-${r.pick(ORG_SUFFIX)}`);
      const o = { id: randomUUID(), nsId: randomUUID(), name, verified: r.next() < 0.33 };
      orgs.push(o);
      namespaces.push([o.nsId, name, name.toLowerCase(), 'org', past(900)]);
    }
    await db.query('BEGIN');
    await bulk(
      db,
      'namespaces',
      [
        ['id', 'uuid'],
        ['name', 'text'],
        ['name_key', 'text'],
        ['kind', 'namespace_kind'],
        ['created_at', 'timestamp'],
      ],
      namespaces,
    );
    await bulk(
      db,
      'users',
      [
        ['id', 'uuid'],
        ['namespace_id', 'uuid'],
        ['username', 'text'],
        ['email', 'text'],
        ['email_key', 'text'],
        ['full_name', 'text'],
        ['password_hash', 'text'],
        ['updated_at', 'timestamp'],
      ],
      users.map((u) => [
        u.id,
        u.nsId,
        u.name,
        `${u.name}@seed.example`,
        `${u.name.toLowerCase()}@seed.example`,
        u.name.replace(/-/g, ' '),
        opts.passwordHash,
        new Date(),
      ]),
    );
    await bulk(
      db,
      'organizations',
      [
        ['id', 'uuid'],
        ['namespace_id', 'uuid'],
        ['name', 'text'],
        ['display_name', 'text'],
        ['kind', 'organization_kind'],
        ['description', 'text'],
        ['verified', 'bool'],
        ['verified_at', 'timestamp'],
        ['updated_at', 'timestamp'],
      ],
      orgs.map((o) => [
        o.id,
        o.nsId,
        o.name,
        o.name
          .split('-')
          .map((w) => w[0].toUpperCase() + w.slice(1))
          .join(' '),
        r.pick(['company', 'research', 'community']),
        `Models by ${o.name}`,
        o.verified,
        o.verified ? new Date() : null,
        new Date(),
      ]),
    );
    const memberships: unknown[][] = [];
    for (const o of orgs) {
      const members = r.some(users, 1 + r.int(4));
      members.forEach((u, k) => memberships.push([o.id, u.id, k === 0 ? 'owner' : r.pick(['admin', 'member'])]));
    }
    await bulk(
      db,
      'memberships',
      [
        ['organization_id', 'uuid'],
        ['user_id', 'uuid'],
        ['role', 'org_role'],
      ],
      memberships,
    );
    log(`seed: ${users.length} users, ${orgs.length} organizations`);

    // Models, their two commits, README blob, main branch.
    const models: unknown[][] = [];
    const commits: unknown[][] = [];
    // Content-addressed: identical cards are one blob.
    const blobs = new Map<string, unknown[]>();
    const files: unknown[][] = [];
    const branches: unknown[][] = [];
    const modelIds: string[] = [];
    const likesWanted: number[] = [];
    const downloadsOf: number[] = [];
    const names = new Set<string>();
    const sentenceDocs = new Map<string, string>();
    const sentenceDocument = (sentence: string) => {
      let doc = sentenceDocs.get(sentence);
      if (doc === undefined) sentenceDocs.set(sentence, (doc = searchDocument(sentence)));
      return doc;
    };
    for (let i = 0; i < N; i++) {
      const family = r.pick(FAMILIES);
      const size = r.pick(family.sizes);
      const variant = r.next() < 0.7 ? r.pick(VARIANTS) : null;
      const byOrg = r.next() < 0.85;
      const owner = byOrg ? r.pick(orgs) : r.pick(users);
      let name = [family.name, size, variant].filter(Boolean).join('-');
      for (let k = 2; names.has(`${owner.nsId}/${name.toLowerCase()}`); k++) name = `${[family.name, size, variant].filter(Boolean).join('-')}-v${k}`;
      names.add(`${owner.nsId}/${name.toLowerCase()}`);
      const task = r.pick(family.tasks);
      const license = r.weighted(LICENSES);
      const chinese = family.zh || variant === 'zh' || variant === 'chinese' ? r.next() < 0.8 : r.next() < 0.12;
      const languages = chinese ? (r.next() < 0.5 ? ['zh'] : ['zh', 'en']) : r.next() < 0.85 ? ['en'] : r.some(['en', 'fr', 'de', 'es', 'ja', 'ko'], 2);
      const tags = r.some(TAG_POOL, 2 + r.int(5)).filter((t) => chinese || !/[\u4e00-\u9fff]/.test(t));
      const sentences = chinese ? ZH_SENTENCES : EN_SENTENCES;
      const d = r.int(DOMAINS.length);
      const slots: Record<string, string> = {
        task,
        family: family.name,
        size,
        domain: DOMAINS[d],
        domainZh: DOMAINS_ZH[d],
        taskZh: TASK_ZH[task] ?? task,
        dataset: r.pick(DATASETS),
        datasetZh: r.pick(DATASETS_ZH),
        appZh: r.pick(APPS_ZH),
      };
      const picked = [...(variant === 'sentiment' ? [chinese ? SENTIMENT_ZH : SENTIMENT_EN] : []), ...r.some(sentences, 2 + r.int(3))].map((s) =>
        s.replace(/\{(\w+)\}/g, (_, k: string) => slots[k] ?? k),
      );
      const body = picked.join(' ');
      const meta = [
        '---',
        ...(license ? [`license: ${license}`] : []),
        `pipeline_tag: ${task}`,
        `library_name: ${family.library}`,
        `language:\n${languages.map((l) => `- ${l}`).join('\n')}`,
        `tags:\n${tags.map((t) => `- ${JSON.stringify(t)}`).join('\n')}`,
        '---',
      ].join('\n');
      const readme = `${meta}\n\n# ${name}\n\n${body}\n`;
      const readmeSha = sha256(readme);
      const id = randomUUID();
      const created = past(720);
      const modified = new Date(created.getTime() + r.next() * (now - created.getTime()));
      const downloads = r.next() < 0.15 ? 0 : Math.floor(Math.exp(r.next() * 12)) - 1;
      const likes = r.next() < 0.75 ? 0 : Math.min(users.length, Math.floor(Math.exp(r.next() * 4.5)));
      const params = r.next() < 0.7 ? paramsOf(size, r) : null;
      const dtype = r.weighted([
        ['BF16', 5],
        ['F16', 3],
        ['F32', 2],
      ] as const);
      const priv = r.next() < 0.05;
      const initial = commitId();
      const card = commitId();
      modelIds.push(id);
      likesWanted.push(likes);
      downloadsOf.push(downloads);
      models.push([
        id,
        owner.nsId,
        name,
        name.toLowerCase(),
        priv,
        !priv && r.next() < 0.05 ? 'auto' : 'none',
        license,
        task,
        family.library,
        pgArray(tags),
        pgArray(languages),
        JSON.stringify({ license, pipeline_tag: task, library_name: family.library, language: languages, tags }),
        downloads,
        likes,
        params,
        params === null ? null : JSON.stringify({ parameters: { [dtype]: params }, total: params }),
        // What indexing the card gives (cardText of this README is its title and body), with each
        // sentence segmented once: Chinese segmentation is most of the generation time otherwise.
        [searchDocument(name), ...picked.map(sentenceDocument)].join(' '),
        created,
        modified,
        modified,
      ]);
      const author = byOrg ? null : owner.id;
      commits.push([initial, id, null, author, 'Initial commit', created], [card, id, initial, author, 'Add model card', modified]);
      blobs.set(readmeSha, [readmeSha, Buffer.byteLength(readme), Buffer.from(readme)]);
      files.push([card, 'README.md', readmeSha, Buffer.byteLength(readme), false, card]);
      branches.push([id, 'main', card, modified]);
    }
    log(`seed: ${N} models generated (${Date.now() - started} ms)`);
    await bulk(
      db,
      'models',
      [
        ['id', 'uuid'],
        ['namespace_id', 'uuid'],
        ['name', 'text'],
        ['name_key', 'text'],
        ['private', 'bool'],
        ['gated', 'gated_mode'],
        ['license', 'text'],
        ['pipeline_tag', 'text'],
        ['library_name', 'text'],
        ['tags', 'text[]'],
        ['languages', 'text[]'],
        ['card_data', 'jsonb'],
        ['downloads', 'int4'],
        ['likes', 'int4'],
        ['parameters', 'int8'],
        ['safetensors', 'jsonb'],
        ['search_body', 'text'],
        ['created_at', 'timestamp'],
        ['last_modified', 'timestamp'],
        ['updated_at', 'timestamp'],
      ],
      models,
    );
    log(`seed: ${N} models inserted (${Date.now() - started} ms)`);
    await bulkCommits(db, commits);
    await bulk(
      db,
      'blobs',
      [
        ['sha256', 'text'],
        ['size', 'int8'],
        ['inline_data', 'bytea'],
      ],
      [...blobs.values()],
      'ON CONFLICT (sha256) DO NOTHING',
    );
    await bulk(
      db,
      'commit_files',
      [
        ['commit_id', 'bpchar'],
        ['path', 'text'],
        ['blob_sha256', 'text'],
        ['size', 'int8'],
        ['lfs', 'bool'],
        ['last_commit_id', 'bpchar'],
      ],
      files,
    );
    await bulkBranches(db, branches);
    log('seed: commits, cards and branches');

    // Likes: distinct users per model, as many as the model's count.
    const likeRows: unknown[][] = [];
    modelIds.forEach((id, i) => {
      for (const u of r.some(users, likesWanted[i])) likeRows.push([u.id, id, past(60)]);
    });
    await bulk(
      db,
      'model_likes',
      [
        ['user_id', 'uuid'],
        ['model_id', 'uuid'],
        ['created_at', 'timestamp'],
      ],
      likeRows,
    );
    // Counted downloads of the last 10 days for the models downloaded the most.
    const dayRows: unknown[][] = [];
    const today = new Date(new Date().toISOString().slice(0, 10));
    modelIds.forEach((id, i) => {
      if (downloadsOf[i] < 2000) return;
      for (let d = 0; d < 10; d++) {
        const n = Math.floor((downloadsOf[i] / 365) * r.next() * 2);
        if (n > 0) dayRows.push([id, new Date(today.getTime() - d * 86_400_000), n]);
      }
    });
    await bulk(
      db,
      'model_download_days',
      [
        ['model_id', 'uuid'],
        ['day', 'date'],
        ['downloads', 'int4'],
      ],
      dayRows,
    );
    const offers = await seedOffers(db, modelIds, r);
    await db.query('COMMIT');
    log(`seed: ${likeRows.length} likes, ${dayRows.length} download days, ${offers} licence offers`);
    return {
      users: users.length,
      organizations: orgs.length,
      models: N,
      likes: likeRows.length,
      offers,
      downloadDays: dayRows.length,
      milliseconds: Date.now() - started,
    };
  } catch (err) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    db.release();
  }
}
