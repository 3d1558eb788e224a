import { type Command } from 'commander';
import { cellText } from '../core/output';
import { modelPath, parseRepoId } from '../core/hub-client';
import { examples, intOption, run } from './command-context';

interface DatasetPreview {
  path: string;
  revision: string;
  format: string;
  columns: { name: string; type: string }[];
  rows: Record<string, unknown>[];
  rowCount: number | null;
  truncated: boolean;
}

/** A cell on one line of at most `width` characters (line breaks shown as \n, the rest cut with …). */
export function previewCell(value: unknown, width: number): string {
  const text = cellText(value).replace(/\r?\n/g, '\\n');
  return text.length > width ? `${text.slice(0, Math.max(1, width - 1))}…` : text;
}

/**
 * `modelhub datasets ...`: what only datasets have. Everything else works for datasets through the
 * same commands with `--type dataset` (repo create, upload, download, info, ls, search).
 */
export function registerDatasetCommands(program: Command): void {
  const datasets = program
    .command('datasets')
    .description('Dataset commands (the others take --type dataset: repo create, upload, download, info, ls, search)');
  datasets
    .command('preview <repo> <path>')
    .description('Columns, types and first rows of a CSV, TSV, JSON Lines or Parquet file of a dataset, as a table')
    .option('-r, --revision <rev>', 'branch, version or commit', 'main')
    .option('-n, --rows <n>', 'rows to show (the hub sends at most 100)', intOption('--rows', 1), 20)
    .option('--width <n>', 'widest cell, in characters', intOption('--width', 4), 40)
    .addHelpText(
      'after',
      examples(
        'modelhub datasets preview acme-ai/reviews data/train.parquet',
        'modelhub datasets preview acme-ai/reviews data/test.csv --revision v1.0 --rows 5',
        'modelhub datasets preview acme-ai/reviews data/train.jsonl --json | jq .columns',
      ),
    )
    .action(
      run(async (ctx, id: string, path: string, opts: { revision: string; rows: number; width: number }) => {
        const p = await ctx.client.get<DatasetPreview>(`${modelPath(parseRepoId(id, 'dataset'))}/preview`, { path, revision: opts.revision });
        ctx.out.data(p, () => {
          const rows = p.rows.slice(0, opts.rows);
          ctx.out.table(
            rows,
            p.columns.map((c) => ({ key: c.name, title: `${c.name} (${c.type})`, format: (v: unknown) => previewCell(v, opts.width) })),
          );
          const total = p.rowCount === null ? (p.truncated ? 'more rows in the file' : `${p.rows.length} rows`) : `${p.rowCount} rows in the file`;
          ctx.out.info(`${p.format}, ${p.columns.length} columns; ${rows.length} rows shown, ${total} (${p.revision.slice(0, 12)})`);
        });
      }),
    );
}
