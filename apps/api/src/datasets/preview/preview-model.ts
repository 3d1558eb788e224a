/** What a preview shows of a column's values (`null`: every value seen was empty). */
export type ColumnType =
  'null' | 'boolean' | 'integer' | 'float' | 'string' | 'binary' | 'date' | 'time' | 'timestamp' | 'decimal' | 'list' | 'struct' | 'map' | 'json';

export interface PreviewColumn {
  name: string;
  type: ColumnType;
}

export type PreviewRow = Record<string, unknown>;

/** The preview of one file's bytes (no path or revision: the same bytes preview the same way anywhere). */
export interface FilePreview {
  columns: PreviewColumn[];
  rows: PreviewRow[];
  /** Rows in the whole file, when the format says so cheaply (Parquet's footer, a text file read whole); else null. */
  rowCount: number | null;
  /** Whether the file has rows beyond those shown. */
  truncated: boolean;
}

/** At most this many rows are shown. */
export const PREVIEW_ROWS = 100;

/** Bytes read from the start of a text file (CSV, TSV, JSON Lines). */
export const TEXT_CHUNK_BYTES = 1024 * 1024;

/** The file's bytes are not what its format says (bad quoting, a line that is not JSON, no Parquet footer). */
export class BrokenFileError extends Error {
  override name = 'BrokenFileError';
}

/** Showing the first rows would read more than the preview allows (a Parquet file with huge row groups and no page index). */
export class PreviewTooLargeError extends Error {
  override name = 'PreviewTooLargeError';
}
