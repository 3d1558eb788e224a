import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { cli, cliJson, type CliHub, startCliHub, writeFiles } from './cli-support';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** A Parquet file of two row groups (hyparquet-writer is ESM-only, hence the dynamic import). */
async function parquetFile(rows: number): Promise<Buffer> {
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  return Buffer.from(
    parquetWriteBuffer({
      columnData: [
        { name: 'id', data: Int32Array.from({ length: rows }, (_, i) => i), type: 'INT32' },
        { name: 'review', data: Array.from({ length: rows }, (_, i) => `review number ${i}\nwith a second line`), type: 'STRING' },
      ],
      rowGroupSize: rows / 2,
    }),
  );
}

/** Datasets through the same commands with --type dataset, and `datasets preview`. */
describe('modelhub: datasets', () => {
  let h: CliHub;
  let repo: string;
  let src: string;
  let parquet: Buffer;
  const csv = 'text,label\n"great, really",1\nawful,0\n';
  const T = ['--type', 'dataset'];

  beforeAll(async () => {
    h = await startCliHub();
    repo = `${h.user.username}/reviews`;
    src = path.join(h.env.home, 'data');
    parquet = await parquetFile(2000);
    writeFiles(src, { 'README.md': '---\nlicense: cc-by-4.0\n---\n# Reviews\n', 'data/train.parquet': parquet, 'data/test.csv': csv });
  });
  afterAll(() => h.hub.close());

  it('creates a dataset beside a model of the same name', async () => {
    const created = await cliJson<{ id: string; kind: string; created: boolean; url: string }>(['repo', 'create', repo, ...T], h.env);
    expect(created).toMatchObject({ id: repo, kind: 'dataset', created: true, url: `${h.url}/datasets/${repo}` });
    const model = await cliJson<{ kind: string; url: string }>(['repo', 'create', repo], h.env);
    expect(model).toMatchObject({ kind: 'model', url: `${h.url}/${repo}` });
    expect(await cliJson(['repo', 'create', repo, ...T, '--exist-ok'], h.env)).toMatchObject({ created: false, kind: 'dataset' });
  });

  it('uploads to the dataset, lists and shows it, and leaves the model alone', async () => {
    const up = await cliJson<{ commitOid: string; files: number; lfsFiles: number }>(['upload', repo, src, ...T, '-m', 'Data'], h.env);
    expect(up).toMatchObject({ files: 3, lfsFiles: 1 });
    const ls = await cliJson<{ commitId: string; files: { path: string; lfs: boolean; sha256: string | null }[] }>(['ls', repo, ...T], h.env);
    expect(ls.commitId).toBe(up.commitOid);
    expect(ls.files.find((f) => f.path === 'data/train.parquet')).toMatchObject({ lfs: true, sha256: sha(parquet) });
    const modelLs = await cliJson<{ files: { path: string }[] }>(['ls', repo], h.env);
    expect(modelLs.files.map((f) => f.path)).not.toContain('data/train.parquet');
    const info = await cli(['info', repo, ...T], h.env);
    expect(info.code).toBe(0);
    expect(info.stdout).toMatch(new RegExp(`^dataset:\\s+${repo}$`, 'm'));
    expect(info.stdout).toContain(`${h.url}/datasets/${repo}`);
  });

  it('downloads the dataset, every file identical', async () => {
    const dir = path.join(h.env.home, 'fetched');
    const r = await cliJson<{ files: { path: string; status: string }[] }>(['download', repo, ...T, '--local-dir', dir], h.env);
    expect(r.files.map((f) => [f.path, f.status])).toEqual([
      ['.gitattributes', 'downloaded'],
      ['README.md', 'downloaded'],
      ['data/test.csv', 'downloaded'],
      ['data/train.parquet', 'downloaded'],
    ]);
    expect(sha(fs.readFileSync(path.join(dir, 'data/train.parquet')))).toBe(sha(parquet));
    expect(fs.readFileSync(path.join(dir, 'data/test.csv'), 'utf8')).toBe(csv);
  });

  it('finds the dataset with search --type dataset, not among models', async () => {
    let found: { items: { id: string }[] } = { items: [] };
    // The search index follows commits a moment later.
    for (let i = 0; i < 40 && !found.items.some((x) => x.id === repo); i++) {
      found = await cliJson(['search', 'reviews', ...T], h.env);
      if (!found.items.some((x) => x.id === repo)) await new Promise((r) => setTimeout(r, 250));
    }
    expect(found.items.map((i) => i.id)).toContain(repo);
    const table = await cli(['search', 'reviews', ...T], h.env);
    expect(table.stdout).toMatch(/^DATASET/);
  });

  it('previews a Parquet file and a CSV as tables, and as JSON', async () => {
    const table = await cli(['datasets', 'preview', repo, 'data/train.parquet', '--rows', '3'], h.env);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^id \(integer\)\s+review \(string\)$/);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^0\s+review number 0\\nwith a second line$/),
      expect.stringMatching(/^1\s+review number 1\\nwith a second line$/),
      expect.stringMatching(/^2\s+review number 2\\nwith a second line$/),
    ]);
    expect(table.stderr).toContain('parquet, 2 columns; 3 rows shown, 2000 rows in the file');
    const json = await cliJson<{ format: string; columns: unknown[]; rows: unknown[]; rowCount: number }>(
      ['datasets', 'preview', repo, 'data/test.csv'],
      h.env,
    );
    expect(json).toMatchObject({
      format: 'csv',
      rowCount: 2,
      rows: [
        { text: 'great, really', label: 1 },
        { text: 'awful', label: 0 },
      ],
    });
    const narrow = await cli(['datasets', 'preview', repo, 'data/train.parquet', '--rows', '1', '--width', '10'], h.env);
    expect(narrow.stdout.split('\n')[1]).toMatch(/^0\s+review nu…$/);
  });

  it('exits 3 for a file that is not there and 1 for a format it cannot preview', async () => {
    const missing = await cli(['datasets', 'preview', repo, 'data/nope.csv'], h.env);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('nope.csv');
    const card = await cli(['datasets', 'preview', repo, 'README.md'], h.env);
    expect(card.code).toBe(1);
    expect(card.stderr).toContain('the preview reads CSV, TSV, JSON Lines and Parquet files');
    const help = await cli(['datasets', 'preview', '--help'], h.env);
    expect(help.stdout).toContain('modelhub datasets preview acme-ai/reviews data/train.parquet');
  });
});
