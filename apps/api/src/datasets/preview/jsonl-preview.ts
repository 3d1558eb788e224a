import type { RandomAccessSource } from '../../discovery/scanners/byte-source';
import { jsonType, mergeTypes } from './column-types';
import { readTextChunk } from './delimited-preview';
import { BrokenFileError, ColumnType, FilePreview, PREVIEW_ROWS, PreviewRow } from './preview-model';

/** JSON Lines: one object a line; the columns are the union of their keys, in the order first seen. */
export async function previewJsonLines(source: RandomAccessSource): Promise<FilePreview> {
  // A JSON string cannot hold a raw line break, so every line break ends a record.
  const { bytes, whole } = await readTextChunk(source, (b) => b.lastIndexOf(0x0a));
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  const types = new Map<string, ColumnType>();
  const objects: Record<string, unknown>[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new BrokenFileError(`line ${i + 1} is not valid JSON: ${(e as Error).message}`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new BrokenFileError(`line ${i + 1} is not a JSON object`);
    objects.push(value as Record<string, unknown>);
    for (const [key, v] of Object.entries(value)) types.set(key, mergeTypes(types.get(key) ?? 'null', jsonType(v)));
  });
  const names = [...types.keys()];
  const rows = objects.slice(0, PREVIEW_ROWS).map((o) => {
    const row: PreviewRow = {};
    for (const name of names) row[name] = o[name] ?? null;
    return row;
  });
  return {
    columns: names.map((name) => ({ name, type: types.get(name)! })),
    rows,
    rowCount: whole ? objects.length : null,
    truncated: !whole || objects.length > PREVIEW_ROWS,
  };
}
