import type { TestHub } from '../support/test-hub';

/** Helpers for the proposals tests: the Hugging Face NDJSON commit as huggingface_hub sends it. */

export const ndjson = (...lines: [string, unknown][]) => lines.map(([key, value]) => JSON.stringify({ key, value })).join('\n');
export const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');
export const header = (summary: string, extra: Record<string, unknown> = {}): [string, unknown] => ['header', { summary, description: '', ...extra }];
export const file = (path: string, content: string | Buffer): [string, unknown] => ['file', { path, content: b64(content), encoding: 'base64' }];
export const lfsFile = (path: string, oid: string, size: number): [string, unknown] => ['lfsFile', { path, algo: 'sha256', oid, size }];
export const copyFile = (path: string, oldPath: string, oid: string): [string, unknown] => ['lfsFile', { path, oldPath, algo: 'sha256', oid }];

/** POST /api/models/{repo}/commit/{rev}[?create_pr=1]; `rev` is sent quoted as huggingface_hub does (refs%2Fpr%2FN). */
export function hfCommit(hub: TestHub, token: string, repo: string, body: string, options: { rev?: string; createPr?: boolean } = {}) {
  const rev = encodeURIComponent(options.rev ?? 'main');
  return hub
    .http()
    .post(`/api/models/${repo}/commit/${rev}${options.createPr ? '?create_pr=1' : ''}`)
    .set({ Authorization: `Bearer ${token}` })
    .set('Content-Type', 'application/x-ndjson')
    .send(body);
}

/** N from a pull request URL, as huggingface_hub parses it (its _REGEX_DISCUSSION_URL). */
export const prNumberOf = (url: string) => {
  const m = /.*\/discussions\/(\d+)$/.exec(url);
  if (!m) throw new Error(`not a pull request URL: ${url}`);
  return Number(m[1]);
};
