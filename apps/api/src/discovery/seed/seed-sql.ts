import { createHash, randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';

/** The seeders' tools (catalogue-seed.ts, lineage/lineage-seed.ts): a PRNG and bulk inserts. */

const BATCH = 5000;

/** mulberry32: small, fast, good enough for synthetic data. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  /** Picks by weight: [[value, weight], ...]. */
  const weighted = <T>(xs: readonly (readonly [T, number])[]): T => {
    const total = xs.reduce((s, [, w]) => s + w, 0);
    let r = next() * total;
    for (const [v, w] of xs) if ((r -= w) < 0) return v;
    return xs[xs.length - 1][0];
  };
  const some = <T>(xs: readonly T[], n: number): T[] => {
    const out = new Set<T>();
    while (out.size < Math.min(n, xs.length)) out.add(pick(xs));
    return [...out];
  };
  return { next, int, pick, weighted, some };
}

export const commitId = () => createHash('sha1').update(randomUUID()).digest('hex');
/** A PostgreSQL array literal of strings (for the text[] columns passed through unnest). */
export const pgArray = (xs: string[]) => `{${xs.map((x) => `"${x.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;

/** Inserts rows column-wise through unnest, BATCH rows a statement. */
export async function bulk(db: PoolClient, table: string, columns: [string, string][], rows: unknown[][], onConflict = ''): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    const chunk = rows.slice(i, i + BATCH);
    const params = columns.map((_, c) => chunk.map((r) => r[c]));
    // Array columns travel as array literals in a text[] (unnest cannot take ragged 2-D arrays).
    const select = columns.map(([, type], c) => (type.endsWith('[]') ? `x.c${c}::${type}` : `x.c${c}`)).join(', ');
    const unnest = columns.map(([, type], c) => `$${c + 1}::${type.endsWith('[]') ? 'text' : type}[]`).join(', ');
    const names = columns.map((_, c) => `c${c}`).join(', ');
    await db.query(`INSERT INTO ${table} (${columns.map(([n]) => n).join(', ')}) SELECT ${select} FROM unnest(${unnest}) AS x(${names}) ${onConflict}`, params);
  }
}

/** Commits: [id, model id, parent id, author id, title, created at]. */
export const bulkCommits = (db: PoolClient, rows: unknown[][]) =>
  bulk(
    db,
    'commits',
    [
      ['id', 'bpchar'],
      ['model_id', 'uuid'],
      ['parent_id', 'bpchar'],
      ['author_id', 'uuid'],
      ['title', 'text'],
      ['created_at', 'timestamp'],
    ],
    rows,
  );

/** Branches: [model id, name, commit id, updated at]. */
export const bulkBranches = (db: PoolClient, rows: unknown[][]) =>
  bulk(
    db,
    'branches',
    [
      ['model_id', 'uuid'],
      ['name', 'text'],
      ['commit_id', 'bpchar'],
      ['updated_at', 'timestamp'],
    ],
    rows,
  );
