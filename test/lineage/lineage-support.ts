import { stringify } from 'yaml';
import { put, type Op } from '../registry/commits-support';
import type { TestUser } from '../support/factories';
import type { TestHub } from '../support/test-hub';

export type KindSegment = 'models' | 'datasets';

/** A README.md with YAML front-matter. */
export const card = (meta: Record<string, unknown>, body = '# Card\n') => put('README.md', `---\n${stringify(meta)}---\n\n${body}`);

/** Commits to `main` of a model or dataset through the native API; expects 201 and returns the commit id. */
export async function commitTo(hub: TestHub, user: TestUser, kind: KindSegment, repo: string, operations: Op[]): Promise<string> {
  const res = await hub.http().post(`/api/v1/${kind}/${repo}/commits`).set(user.auth).send({ summary: 'lineage test', operations });
  if (res.status !== 201) throw new Error(`commit to ${kind}/${repo}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.commitId as string;
}

export interface LineageBody {
  root: { kind: string; id: string };
  nodes: { kind: string; id: string; relation: string; via: string; depth: number; resolved: boolean; license: string | null; visibility: string | null }[];
  hidden: { total: number; byDepth: Record<string, number> };
}

/** GET /api/v1/lineage/{kind}/{repo}, expecting 200. */
export async function lineage(
  hub: TestHub,
  kind: KindSegment,
  repo: string,
  query: Record<string, string | number>,
  auth: Record<string, string> = {},
): Promise<LineageBody> {
  const res = await hub.http().get(`/api/v1/lineage/${kind}/${repo}`).query(query).set(auth);
  if (res.status !== 200) throw new Error(`lineage ${kind}/${repo}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as LineageBody;
}

/** The nodes as `id relation depth` lines, sorted: compact to compare. */
export const shape = (b: LineageBody) => b.nodes.map((n) => `${n.id} ${n.relation} ${n.depth}${n.resolved ? '' : ' unresolved'}`).sort();
