import { stringify } from 'yaml';
import { commit, put, type Op } from '../../registry/commits-support';
import type { TestUser } from '../../support/factories';
import { createModel } from '../../support/models';
import type { TestHub } from '../../support/test-hub';

/** A README.md with YAML front-matter, as model cards are written. */
export function readme(meta: Record<string, unknown>, body: string): string {
  return `---\n${stringify(meta)}---\n\n${body}\n`;
}

/** Creates `namespace/name` and commits its card (and any other files) through the API. */
export async function modelWithCard(
  hub: TestHub,
  user: TestUser,
  namespace: string,
  name: string,
  card: { meta: Record<string, unknown>; body: string },
  options: { visibility?: 'public' | 'private' | 'gated'; files?: Op[] } = {},
): Promise<string> {
  await createModel(hub, user, { namespace, name, visibility: options.visibility });
  const id = `${namespace}/${name}`;
  await commit(hub, user, id, [put('README.md', readme(card.meta, card.body)), ...(options.files ?? [])], { summary: 'Add model card' });
  return id;
}

/** Polls `read` until `done` holds (background jobs), or fails after `timeoutMs`. */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not reached within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, delay));
  }
}

export interface SearchBody {
  total: number;
  items: {
    id: string;
    namespace: string;
    name: string;
    task: string | null;
    library: string | null;
    license: string | null;
    tags: string[];
    language: string[];
    downloads: number;
    likes: number;
    trendingScore: number;
    parameters: number | null;
    verified: boolean;
    updatedAt: string;
  }[];
  facets: Record<'task' | 'license' | 'library' | 'org' | 'tags' | 'commercial' | 'verified' | 'parameters', { value: string; count: number }[]>;
  nextCursor: string | null;
}

/** GET /api/v1/search, expecting 200. */
export async function search(
  hub: TestHub,
  query: Record<string, string | number | boolean | string[]>,
  auth: Record<string, string> = {},
): Promise<SearchBody> {
  const res = await hub.http().get('/api/v1/search').query(query).set(auth);
  if (res.status !== 200) throw new Error(`search ${JSON.stringify(query)}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as SearchBody;
}

export const ids = (body: SearchBody) => body.items.map((i) => i.id);
export const facet = (body: SearchBody, name: keyof SearchBody['facets']) => Object.fromEntries(body.facets[name].map((f) => [f.value, f.count]));
