// The sync build's own CsvError: the main entry's class is another one.
import { CsvError, parse } from 'csv-parse/sync';
import type { RandomAccessSource } from '../../discovery/scanners/byte-source';
import { mergeTypes, parseCell } from './column-types';
import { BrokenFileError, ColumnType, FilePreview, PREVIEW_ROWS, PreviewRow, TEXT_CHUNK_BYTES } from './preview-model';

/** The start of a text file: the whole file when it fits in one chunk, else the chunk with its last, partial line dropped. */
export async function readTextChunk(source: RandomAccessSource, recordEnd: (bytes: Buffer) => number): Promise<{ bytes: Buffer; whole: boolean }> {
  const whole = source.size <= TEXT_CHUNK_BYTES;
  const bytes = await source.read(0, Math.min(source.size, TEXT_CHUNK_BYTES));
  if (whole) return { bytes, whole };
  const end = recordEnd(bytes);
  if (end < 0) throw new BrokenFileError(`no complete line in the first ${TEXT_CHUNK_BYTES} bytes`);
  return { bytes: bytes.subarray(0, end + 1), whole };
}

/**
 * The last line break outside quotes (-1: none). RFC 4180 escapes a quote by doubling it, so the
 * parity of the quotes before a line break says whether it ends a record or sits inside a field.
 */
export function lastRecordEnd(bytes: Buffer): number {
  let quoted = false;
  let last = -1;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x22) quoted = !quoted;
    else if (b === 0x0a && !quoted) last = i;
  }
  return last;
}

/** Header names as keys: blanks get their position, repeats a suffix, so every column has one key. */
export function columnNames(header: string[]): string[] {
  const seen = new Map<string, number>();
  return header.map((raw, i) => {
    const base = raw.trim() === '' ? `column_${i + 1}` : raw;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}_${n}`;
  });
}

/** CSV or TSV (by `delimiter`): the header row names the columns; types are inferred from every record in the chunk. */
export async function previewDelimited(source: RandomAccessSource, delimiter: ',' | '\t'): Promise<FilePreview> {
  const { bytes, whole } = await readTextChunk(source, lastRecordEnd);
  let records: string[][];
  try {
    records = parse(bytes, { delimiter, bom: true, skip_empty_lines: true, relax_column_count: false });
  } catch (e) {
    if (e instanceof CsvError) throw new BrokenFileError(`not valid ${delimiter === ',' ? 'CSV' : 'TSV'}: ${e.message}`);
    throw e;
  }
  if (records.length === 0) return { columns: [], rows: [], rowCount: whole ? 0 : null, truncated: !whole };
  const names = columnNames(records[0]);
  const body = records.slice(1);
  const types: ColumnType[] = names.map(() => 'null');
  for (const record of body) record.forEach((cell, i) => (types[i] = mergeTypes(types[i], parseCell(cell).type)));
  const rows = body.slice(0, PREVIEW_ROWS).map((record) => {
    const row: PreviewRow = {};
    names.forEach((name, i) => (row[name] = cellValue(record[i], types[i])));
    return row;
  });
  return {
    columns: names.map((name, i) => ({ name, type: types[i] })),
    rows,
    rowCount: whole ? body.length : null,
    truncated: !whole || body.length > PREVIEW_ROWS,
  };
}

/** A cell as its column's type shows it: numbers in number columns, the text as written in text columns. */
function cellValue(text: string, type: ColumnType): unknown {
  const cell = parseCell(text);
  if (cell.type === 'null') return null;
  return type === 'string' ? text : cell.value;
}
