/**
 * The data formats of a dataset's files, as Hugging Face's dataset viewer infers them (its
 * packaged builders): by extension, and `imagefolder` / `audiofolder` for media files.
 */
const BY_EXTENSION: Readonly<Record<string, string>> = {
  parquet: 'parquet',
  csv: 'csv',
  tsv: 'csv',
  json: 'json',
  jsonl: 'json',
  ndjson: 'json',
  arrow: 'arrow',
  txt: 'text',
  text: 'text',
  tar: 'webdataset',
  xml: 'xml',
  sql: 'sql',
  sqlite: 'sql',
  h5: 'hdf5',
  hdf5: 'hdf5',
  lance: 'lance',
  png: 'imagefolder',
  jpg: 'imagefolder',
  jpeg: 'imagefolder',
  webp: 'imagefolder',
  gif: 'imagefolder',
  bmp: 'imagefolder',
  tif: 'imagefolder',
  tiff: 'imagefolder',
  wav: 'audiofolder',
  mp3: 'audiofolder',
  flac: 'audiofolder',
  ogg: 'audiofolder',
  m4a: 'audiofolder',
  mp4: 'videofolder',
  webm: 'videofolder',
  pdf: 'pdffolder',
};

// Compression suffixes the loaders see through (`train.jsonl.gz` is JSON).
const COMPRESSION = /\.(gz|bz2|xz|zst|lz4|zip)$/i;
// Repository files that are not data.
const NOT_DATA = /(^|\/)(README\.md|\.gitattributes|\.gitignore|[^/]*\.py|dataset_infos?\.json|LICENSE[^/]*)$/i;

/** Formats of the data files among `paths`, sorted (`configs[].data_files` first when the card has them). */
export function dataFormatsOf(paths: readonly string[]): string[] {
  const out = new Set<string>();
  for (const path of paths) {
    if (NOT_DATA.test(path)) continue;
    const bare = path.replace(COMPRESSION, '');
    const dot = bare.lastIndexOf('.');
    if (dot < 0 || dot < bare.lastIndexOf('/')) continue;
    const format = BY_EXTENSION[bare.slice(dot + 1).toLowerCase()];
    if (format) out.add(format);
  }
  return [...out].sort();
}

/**
 * The paths (or glob patterns) a dataset card's `configs` name as data files:
 * `data_files: train.csv`, `data_files: [a.csv, b.csv]` or `data_files: [{split, path}]`
 * (a path may itself be a list). Empty when the card names none.
 */
export function configDataFiles(cardData: Record<string, unknown> | null): string[] {
  const configs = cardData?.configs;
  if (!Array.isArray(configs)) return [];
  const out: string[] = [];
  const add = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(add);
    else if (v && typeof v === 'object' && 'path' in v) add((v as { path: unknown }).path);
  };
  for (const c of configs) if (c && typeof c === 'object') add((c as { data_files?: unknown }).data_files);
  return out;
}
