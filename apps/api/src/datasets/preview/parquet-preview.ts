import type { AsyncBuffer, SchemaElement, SchemaTree } from 'hyparquet' with { 'resolution-mode': 'import' };
import type { RandomAccessSource } from '../../discovery/scanners/byte-source';
import { toJsonValue } from './column-types';
import { BrokenFileError, ColumnType, FilePreview, PREVIEW_ROWS, PreviewTooLargeError } from './preview-model';

/**
 * The footer is found in the last bytes; hyparquet's default first read is 512 KiB, which on a
 * file of a few row groups is most of the data. Footers of wide tables that need more get a second read.
 */
const FOOTER_FIRST_READ = 64 * 1024;

/** At most this many bytes are read for one preview: the API process holds what it reads. */
export const MAX_PREVIEW_READ_BYTES = 64 * 1024 * 1024;

/** hyparquet is ESM-only: loaded once, on the first Parquet preview. */
const libraries = () => Promise.all([import('hyparquet'), import('hyparquet-compressors')]);

/** A failure of the bytes' source (S3 down), told apart from a file hyparquet cannot read. */
class SourceFailure extends Error {
  constructor(readonly original: unknown) {
    super('the source failed');
  }
}

/** The source as hyparquet's AsyncBuffer: every slice is one ranged read, `budget` bytes in all. */
export function asyncBuffer(source: RandomAccessSource, budget: number): AsyncBuffer {
  let left = budget;
  return {
    byteLength: source.size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const length = (end ?? source.size) - start;
      left -= length;
      if (left < 0)
        throw new PreviewTooLargeError(`its first rows would take more than ${budget / 1024 / 1024} MiB to read (row groups this large need a page index)`);
      const bytes = await source.read(start, length).catch((e: unknown) => Promise.reject(new SourceFailure(e)));
      return new Uint8Array(bytes).buffer;
    },
  };
}

/**
 * Parquet: columns and row count from the footer, the first rows from the row groups that hold
 * them (usually the first one). With an offset index, only the pages holding those rows are read.
 */
export async function previewParquet(source: RandomAccessSource, maxReadBytes = MAX_PREVIEW_READ_BYTES): Promise<FilePreview> {
  const [{ parquetMetadataAsync, parquetReadObjects, parquetSchema }, { compressors }] = await libraries();
  const file = asyncBuffer(source, maxReadBytes);
  try {
    const metadata = await parquetMetadataAsync(file, { initialFetchSize: FOOTER_FIRST_READ });
    const rowCount = Number(metadata.num_rows);
    const columns = parquetSchema(metadata).children.map((c) => ({ name: c.element.name, type: columnType(c) }));
    const end = Math.min(rowCount, PREVIEW_ROWS);
    const rows = end === 0 ? [] : await parquetReadObjects({ file, metadata, rowStart: 0, rowEnd: end, compressors, useOffsetIndex: true });
    return { columns, rows: rows.map((r) => toJsonValue({ ...r }) as Record<string, unknown>), rowCount, truncated: rowCount > rows.length };
  } catch (e) {
    if (e instanceof SourceFailure) throw e.original;
    if (e instanceof PreviewTooLargeError) throw e;
    throw new BrokenFileError(`not a readable Parquet file: ${(e as Error).message}`);
  }
}

/** A top-level column's type, from its logical type, else its converted type, else its physical type. */
export function columnType(column: SchemaTree): ColumnType {
  const e = column.element;
  if (column.children.length > 0) {
    if (e.logical_type?.type === 'LIST' || e.converted_type === 'LIST') return 'list';
    if (e.logical_type?.type === 'MAP' || e.converted_type === 'MAP' || e.converted_type === 'MAP_KEY_VALUE') return 'map';
    return 'struct';
  }
  if (e.repetition_type === 'REPEATED') return 'list';
  return annotatedType(e) ?? physicalType(e);
}

function annotatedType(e: SchemaElement): ColumnType | undefined {
  switch (e.logical_type?.type ?? e.converted_type) {
    case 'STRING':
    case 'UTF8':
    case 'ENUM':
    case 'UUID':
      return 'string';
    case 'JSON':
    case 'BSON':
    case 'VARIANT':
      return 'json';
    case 'DATE':
      return 'date';
    case 'TIME':
    case 'TIME_MILLIS':
    case 'TIME_MICROS':
      return 'time';
    case 'TIMESTAMP':
    case 'TIMESTAMP_MILLIS':
    case 'TIMESTAMP_MICROS':
      return 'timestamp';
    case 'DECIMAL':
      return 'decimal';
    case 'FLOAT16':
      return 'float';
    case 'NULL':
      return 'null';
    default:
      return undefined;
  }
}

function physicalType(e: SchemaElement): ColumnType {
  switch (e.type) {
    case 'BOOLEAN':
      return 'boolean';
    case 'INT32':
    case 'INT64':
      return 'integer';
    case 'INT96':
      return 'timestamp';
    case 'FLOAT':
    case 'DOUBLE':
      return 'float';
    default:
      return 'binary';
  }
}
