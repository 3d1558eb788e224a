import fs from 'node:fs';
import path from 'node:path';
import { createToken, registerUser } from '../support/factories';
import { cli, cliEnv, cliJson, type CliEnv, type CliHub, startCliHub, writeFiles } from './cli-support';

interface ProposalJson {
  number: number;
  title: string;
  kind: string;
  status: string;
  author: string;
  mergeCommitId: string | null;
}

/** Proposals from the command line: an outsider opens one with upload --create-pr, the owner reviews and merges it. */
describe('modelhub proposals and upload --create-pr', () => {
  let h: CliHub;
  let outsider: CliEnv;
  let outsiderName: string;
  let repo: string;
  let number: number;

  beforeAll(async () => {
    h = await startCliHub();
    const other = await registerUser(h.hub);
    outsiderName = other.username;
    outsider = cliEnv(h.url, { MODELHUB_TOKEN: await createToken(h.hub, other, ['read', 'write']) });
    repo = `${h.user.username}/proposed-to`;
    await cliJson(['repo', 'create', repo], h.env);
    const base = path.join(h.env.home, 'base');
    writeFiles(base, { 'config.json': '{"labels": 2}\n', 'README.md': '# Sentiment\n' });
    await cliJson(['upload', repo, base], h.env);
  });
  afterAll(() => h.hub.close());

  it('an outsider opens a pull request with upload --create-pr, and the URL is printed', async () => {
    const change = path.join(outsider.home, 'change');
    writeFiles(change, { 'config.json': '{"labels": 3}\n', 'NOTES.md': 'Three labels now.\n' });
    // Without --create-pr the outsider may not write.
    const refused = await cli(['upload', repo, change], outsider);
    expect(refused.code).toBe(4);

    const human = await cli(['upload', repo, change, '--create-pr', '--message', 'Three labels', '--quiet'], outsider);
    expect(human.code).toBe(0);
    const url = /\/discussions\/(\d+)/.exec(human.stdout);
    expect(url).not.toBeNull();
    number = Number(url![1]);

    const list = await cliJson<{ items: ProposalJson[]; count: number }>(['proposals', 'list', repo, '--type', 'pull_request', '--status', 'open'], h.env);
    expect(list.items.map((p) => p.number)).toEqual([number]);
    expect(list.items[0]).toMatchObject({ kind: 'pull_request', status: 'open', author: outsiderName, title: 'Three labels' });
    const table = await cli(['proposals', 'list', repo], h.env);
    expect(table.stdout).toMatch(new RegExp(`^${number}\\s+pr\\s+open\\s+Three labels`, 'm'));
  });

  it('a member shows it with the per-file diff, comments and approves', async () => {
    const shown = await cliJson<ProposalJson & { events: { type: string }[]; diff: { files: { path: string; status: string; unifiedDiff?: string }[] } }>(
      ['proposals', 'show', repo, String(number), '--diff'],
      h.env,
    );
    expect(shown.diff.files.map((f) => [f.path, f.status]).sort()).toEqual([
      ['NOTES.md', 'added'],
      ['config.json', 'changed'],
    ]);
    expect(shown.diff.files.find((f) => f.path === 'config.json')?.unifiedDiff).toContain('+{"labels": 3}');

    const comment = await cliJson<{ type: string }>(['proposals', 'comment', repo, String(number), 'Thanks, checking the eval'], h.env);
    expect(comment.type).toBe('comment');
    const review = await cliJson<{ type: string; data: { state: string } }>(
      ['proposals', 'review', repo, String(number), '--approve', '--comment', 'LGTM'],
      h.env,
    );
    expect(review).toMatchObject({ type: 'review', data: { state: 'approved' } });

    const human = await cli(['proposals', 'show', repo, String(number), '--diff'], h.env);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('Thanks, checking the eval');
    expect(human.stdout).toContain('approved: LGTM');
    expect(human.stdout).toMatch(/changed\s+config\.json/);
    expect(human.stdout).toContain('+{"labels": 3}');

    const usage = await cli(['proposals', 'review', repo, String(number)], h.env);
    expect(usage.code).toBe(2);
  });

  it('refuses the outsider a merge (4) and a missing proposal is not found (3)', async () => {
    const forbidden = await cli(['proposals', 'merge', repo, String(number), '--json'], outsider);
    expect(forbidden.code).toBe(4);
    const missing = await cli(['proposals', 'show', repo, '999', '--json'], h.env);
    expect(missing.code).toBe(3);
  });

  it('closes, reopens and merges it with a version', async () => {
    expect((await cliJson<ProposalJson>(['proposals', 'close', repo, String(number)], h.env)).status).toBe('closed');
    expect((await cliJson<ProposalJson>(['proposals', 'reopen', repo, String(number)], h.env)).status).toBe('open');
    const merged = await cliJson<ProposalJson & { version: { name: string } | null }>(
      ['proposals', 'merge', repo, String(number), '--version', 'v1.1.0', '--notes', 'Three labels'],
      h.env,
    );
    expect(merged.status).toBe('merged');
    expect(merged.version?.name).toBe('v1.1.0');

    const versions = await cliJson<{ name: string; commitId: string }[]>(['versions', 'list', repo], h.env);
    expect(versions.find((v) => v.name === 'v1.1.0')?.commitId).toBe(merged.mergeCommitId);
    const out = path.join(h.env.home, 'fetched');
    await cliJson(['download', repo, 'config.json', '--revision', 'v1.1.0', '--local-dir', out], h.env);
    expect(fs.readFileSync(path.join(out, 'config.json'), 'utf8')).toBe('{"labels": 3}\n');
  });
});
