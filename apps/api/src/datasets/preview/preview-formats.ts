import type { RandomAccessSource } from '../../discovery/scanners/byte-source';
import { previewDelimited } from './delimited-preview';
import { previewJsonLines } from './jsonl-preview';
import { previewParquet } from './parquet-preview';
import type { FilePreview } from './preview-model';

export const PREVIEW_FORMATS = ['csv', 'tsv', 'jsonl', 'parquet'] as const;
export type PreviewFormat = (typeof PREVIEW_FORMATS)[number];

/** File name endings of each format (lower-cased), as Hugging Face's dataset viewer recognizes them. */
const EXTENSIONS: Record<string, PreviewFormat> = { '.csv': 'csv', '.tsv': 'tsv', '.tab': 'tsv', '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.parquet': 'parquet' };

/** The format a path names by its extension, or null when it is not one the preview reads. */
export function previewFormatOf(path: string): PreviewFormat | null {
  const dot = path.lastIndexOf('.');
  return dot < 0 ? null : (EXTENSIONS[path.slice(dot).toLowerCase()] ?? null);
}

export const SUPPORTED_EXTENSIONS = Object.keys(EXTENSIONS);

/** The preview of a file's bytes in a format; BrokenFileError when they are not of that format. */
export function previewBytes(format: PreviewFormat, source: RandomAccessSource): Promise<FilePreview> {
  switch (format) {
    case 'csv':
      return previewDelimited(source, ',');
    case 'tsv':
      return previewDelimited(source, '\t');
    case 'jsonl':
      return previewJsonLines(source);
    case 'parquet':
      return previewParquet(source);
  }
}
