import { formatBytes } from './format';

/** Where a command's data goes: JSON for scripts (`--json`), tables and lines for people. */
export class Output {
  constructor(
    readonly json: boolean,
    readonly quiet: boolean,
  ) {}

  /** Prints `data` as JSON with --json, otherwise calls `human`. */
  data(data: unknown, human: () => void): void {
    if (this.json) process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    else human();
  }

  line(text = ''): void {
    process.stdout.write(`${text}\n`);
  }

  /** A message for people (stderr, so that stdout stays data); nothing with --quiet or --json. */
  info(text: string): void {
    if (!this.quiet && !this.json) process.stderr.write(`${text}\n`);
  }

  /** A table with a header row; columns padded to the widest cell. */
  table(rows: Record<string, unknown>[], columns: { key: string; title: string; format?: (v: unknown, row: Record<string, unknown>) => string }[]): void {
    if (rows.length === 0) {
      this.line('(none)');
      return;
    }
    const cells = rows.map((r) => columns.map((c) => (c.format ? c.format(r[c.key], r) : cellText(r[c.key]))));
    const widths = columns.map((c, i) => Math.max(c.title.length, ...cells.map((row) => row[i].length)));
    const fmt = (values: string[]) => values.map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]))).join('  ');
    this.line(fmt(columns.map((c) => c.title)));
    for (const row of cells) this.line(fmt(row));
  }

  /** `key: value` lines, aligned. */
  fields(pairs: [string, unknown][]): void {
    const width = Math.max(...pairs.map(([k]) => k.length));
    for (const [k, v] of pairs) this.line(`${`${k}:`.padEnd(width + 1)} ${cellText(v)}`);
  }
}

export function cellText(v: unknown): string {
  if (v === null || v === undefined || v === '') return '-';
  if (Array.isArray(v)) return v.length ? v.map(cellText).join(', ') : '-';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export const bytesCell = (v: unknown) => (typeof v === 'number' ? formatBytes(v) : cellText(v));
export const dateCell = (v: unknown) => (typeof v === 'string' ? v.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : cellText(v));
