import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { cli, cliJson, type CliHub, startCliHub, writeFiles } from './cli-support';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** Publish with `repo create` + `upload`, inspect with info/ls/versions/search, fetch with `download`. */
describe('modelhub: publish and fetch', () => {
  let h: CliHub;
  let repo: string;
  let src: string;
  const weights = randomBytes(12 * 1024 * 1024 + 77); // 3 multipart parts of 5 MiB
  const tokenizer = randomBytes(2 * 1024 * 1024); // LFS, one basic PUT
  const card = '---\nlicense: apache-2.0\npipeline_tag: text-classification\ntags: [cli-demo]\n---\n# CLI demo\n';

  beforeAll(async () => {
    h = await startCliHub();
    repo = `${h.user.username}/cli-demo`;
    src = path.join(h.env.home, 'model');
    writeFiles(src, {
      'README.md': card,
      'config.json': '{"hidden_size": 8}\n',
      'weights/model.safetensors': weights,
      'weights/tokenizer.bin': tokenizer,
      'notes.tmp': 'scratch',
      '.git/HEAD': 'ref: refs/heads/main\n',
    });
  });
  afterAll(() => h.hub.close());

  it('creates the repository (and says so again with --exist-ok, 409 without)', async () => {
    const created = await cliJson<{ id: string; created: boolean; visibility: string }>(['repo', 'create', repo], h.env);
    expect(created).toMatchObject({ id: repo, created: true, visibility: 'public' });
    expect((await cli(['repo', 'create', repo], h.env)).code).toBe(1);
    expect(await cliJson(['repo', 'create', repo, '--exist-ok'], h.env)).toMatchObject({ created: false });
  });

  it('uploads a folder in one commit: large files through LFS (multipart), small ones inline, excluded and .git left out, then a version', async () => {
    const r = await cliJson<{
      commitOid: string;
      files: number;
      lfsFiles: number;
      lfs: { uploaded: number; partsSent: number; bytesSent: number };
      version: { name: string; commitId: string };
    }>(['upload', repo, src, '--exclude', '*.tmp', '--message', 'First weights', '--version', 'v1.0.0'], h.env);
    expect(r).toMatchObject({ files: 4, lfsFiles: 2, lfs: { uploaded: 2, partsSent: 4, bytesSent: weights.length + tokenizer.length } });
    expect(r.version).toMatchObject({ name: 'v1.0.0', commitId: r.commitOid });

    const ls = await cliJson<{ commitId: string; files: { path: string; size: number; lfs: boolean; sha256: string | null }[] }>(['ls', repo], h.env);
    expect(ls.commitId).toBe(r.commitOid);
    expect(ls.files.filter((f) => f.size > 0 || f.path.includes('.')).map((f) => [f.path, f.lfs])).toEqual(
      expect.arrayContaining([
        ['README.md', false],
        ['config.json', false],
        ['weights/model.safetensors', true],
        ['weights/tokenizer.bin', true],
      ]),
    );
    expect(ls.files.find((f) => f.path === 'weights/model.safetensors')!.sha256).toBe(sha(weights));
    expect(ls.files.map((f) => f.path)).not.toContain('notes.tmp');
    expect(ls.files.map((f) => f.path)).not.toContain('.git/HEAD');
    const table = await cli(['ls', repo], h.env);
    expect(table.stdout).toMatch(/12\.0 MiB\s+lfs\s+-\s+weights\/model\.safetensors/);
  });

  it('skips the bytes the hub already holds; --include and path-in-repo', async () => {
    const again = await cliJson<{ lfs: { uploaded: number; skipped: number; bytesSent: number } }>(
      ['upload', repo, src, '--include', 'weights/**', '-m', 'Same weights'],
      h.env,
    );
    expect(again.lfs).toMatchObject({ uploaded: 0, skipped: 2, bytesSent: 0 });
    const one = await cliJson<{ files: number; commitOid: string }>(['upload', repo, path.join(src, 'config.json'), 'configs/base.json'], h.env);
    expect(one.files).toBe(1);
    const ls = await cliJson<{ files: { path: string }[] }>(['ls', repo, 'configs'], h.env);
    expect(ls.files.map((f) => f.path)).toEqual(['configs/base.json']);
  });

  it('leaves out what the uploaded .gitignore ignores', async () => {
    const dir = path.join(h.env.home, 'with-ignore');
    writeFiles(dir, { '.gitignore': '*.log\n', 'debug.log': 'noise', 'extra/notes.md': '# notes\n' });
    const r = await cliJson<{ files: number }>(['upload', repo, dir], h.env);
    expect(r.files).toBe(2);
    const paths = (await cliJson<{ files: { path: string }[] }>(['ls', repo], h.env)).files.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['.gitignore', 'extra/notes.md']));
    expect(paths).not.toContain('debug.log');
  });

  it('shows info, versions (create, deprecate) and search results', async () => {
    const info = await cliJson<{ id: string; license: string; refs: { tags: { name: string }[] } }>(['info', repo], h.env);
    expect(info).toMatchObject({ id: repo, license: 'apache-2.0' });
    expect(info.refs.tags.map((t) => t.name)).toEqual(['v1.0.0']);
    await cliJson(['versions', 'create', repo, 'v1.1.0', '--notes', 'configs'], h.env);
    const dep = await cliJson(['versions', 'deprecate', repo, 'v1.0.0', '-m', 'Use v1.1.0'], h.env);
    expect(dep).toMatchObject({ name: 'v1.0.0', status: 'deprecated' });
    const list = await cliJson<{ name: string; status: string }[]>(['versions', 'list', repo], h.env);
    expect(list.map((v) => [v.name, v.status])).toEqual([
      ['v1.1.0', 'active'],
      ['v1.0.0', 'deprecated'],
    ]);
    const dup = await cli(['versions', 'create', repo, 'v1.1.0'], h.env);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/^Error: .+/);
    const search = await cli(['search', 'cli-demo', '--task', 'text-classification'], h.env);
    expect(search.code).toBe(0);
    expect(search.stdout).toMatch(/^MODEL\s+TASK\s+LICENSE/);
    expect(search.stdout).toContain(repo);
    const found = await cliJson<{ items: { id: string }[] }>(['search', '--tag', 'cli-demo'], h.env);
    expect(found.items.map((i) => i.id)).toContain(repo);
  });

  it('downloads a revision with every sha256 checked, skips unchanged files, fetches a changed one again', async () => {
    const dir = path.join(h.env.home, 'fetched');
    const r = await cliJson<{ downloaded: number; unchanged: number; bytesFetched: number; files: { path: string; sha256: string }[] }>(
      ['download', repo, '--revision', 'v1.0.0', '--local-dir', dir],
      h.env,
    );
    // The four published files and the repository's initial .gitattributes.
    expect(r.downloaded).toBe(5);
    expect(fs.readFileSync(path.join(dir, 'weights/model.safetensors')).equals(weights)).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'README.md'), 'utf8')).toBe(card);
    expect(r.files.find((f) => f.path === 'weights/tokenizer.bin')!.sha256).toBe(sha(tokenizer));

    const again = await cliJson<{ downloaded: number; unchanged: number; bytesFetched: number }>(
      ['download', repo, '--revision', 'v1.0.0', '--local-dir', dir],
      h.env,
    );
    expect(again).toMatchObject({ downloaded: 0, unchanged: 5, bytesFetched: 0 });

    // A local change is noticed (size and mtime differ from what was recorded) and undone.
    fs.writeFileSync(path.join(dir, 'config.json'), '{"hidden_size": 9}\n');
    const fixed = await cliJson<{ downloaded: number; bytesFetched: number }>(['download', repo, '--revision', 'v1.0.0', '--local-dir', dir], h.env);
    expect(fixed).toMatchObject({ downloaded: 1 });
    expect(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).toBe('{"hidden_size": 8}\n');
    expect(fs.readdirSync(path.join(dir, '.modelhub', 'download', 'weights')).filter((f) => f.includes('incomplete'))).toEqual([]);
  });

  it('downloads named files or globs; a missing file is exit 3', async () => {
    const dir = path.join(h.env.home, 'some');
    const named = await cliJson<{ files: { path: string }[] }>(['download', repo, 'config.json', 'weights/tokenizer.bin', '--local-dir', dir], h.env);
    expect(named.files.map((f) => f.path)).toEqual(['config.json', 'weights/tokenizer.bin']);
    const globbed = await cliJson<{ files: { path: string }[] }>(
      ['download', repo, '--include', '*.json', '--exclude', 'configs/**', '--local-dir', dir],
      h.env,
    );
    expect(globbed.files.map((f) => f.path)).toEqual(['config.json']);
    const missing = await cli(['download', repo, 'nope.bin', '--local-dir', dir], h.env);
    expect(missing.code).toBe(3);
  });

  it('deletes the repository (--yes required)', async () => {
    expect((await cli(['repo', 'delete', repo], h.env)).code).toBe(2);
    expect(await cliJson(['repo', 'delete', repo, '--yes'], h.env)).toEqual({ deleted: repo });
    expect((await cli(['info', repo], h.env)).code).toBe(3);
  });
});
