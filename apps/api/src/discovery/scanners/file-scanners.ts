import { posix } from 'node:path';
import { ByteReader, RandomAccessSource } from './byte-source';
import { PickleImport, Safety, worst } from './pickle-import-policy';
import { scanPickleStream } from './pickle-scanner';
import { parseSafetensorsHeader, safetensorsHeaderLength, SafetensorsSummary } from './safetensors-header';
import { isZip, readZipDirectory, zipEntryStream } from './zip-directory';

/** Bump when a scanner changes what it finds: older scan rows are then redone. */
export const SCANNER_VERSION = 1;

export type ScanKind = 'safetensors' | 'pickle';

/** Extensions of pickle-based formats (PyTorch, pickle, Lightning checkpoints). */
const PICKLE_EXTENSIONS = new Set(['.bin', '.pt', '.pth', '.pkl', '.pickle', '.ckpt']);

/** Which scanner reads a file, by its name. */
export function scanKindOf(path: string): ScanKind | null {
  const ext = posix.extname(path).toLowerCase();
  if (ext === '.safetensors') return 'safetensors';
  return PICKLE_EXTENSIONS.has(ext) ? 'pickle' : null;
}

export interface SafetensorsScan {
  kind: 'safetensors';
  verdict: 'ok' | 'invalid';
  details: Partial<SafetensorsSummary>;
  error?: string;
}

export interface PickleFileDetails {
  /** `pickle`: one or more plain pickles; `pytorch-zip`: pickles inside a zip; `not-pickle`: neither. */
  format: 'pickle' | 'pytorch-zip' | 'zip' | 'not-pickle';
  imports: PickleImport[];
  /** Zip entries that were scanned. */
  entries?: string[];
  trailingData?: boolean;
}

export interface PickleScan {
  kind: 'pickle';
  verdict: Safety;
  details: PickleFileDetails;
  error?: string;
}

export type FileScan = SafetensorsScan | PickleScan;

/** Reads the safetensors header with two ranged reads and checks it. */
export async function scanSafetensors(src: RandomAccessSource): Promise<SafetensorsScan> {
  try {
    const length = safetensorsHeaderLength(await src.read(0, 8), src.size);
    const summary = parseSafetensorsHeader(await src.read(8, length), src.size);
    return { kind: 'safetensors', verdict: 'ok', details: summary };
  } catch (err) {
    return { kind: 'safetensors', verdict: 'invalid', details: {}, error: (err as Error).message };
  }
}

/**
 * Scans a pickle-based file: a zip (PyTorch ≥ 1.6) has each `.pkl` entry scanned; anything else
 * is read as consecutive pickles from its first byte. A file that cannot be fully read as what it
 * claims to be is at least `suspicious`.
 */
export async function scanPickleFile(src: RandomAccessSource): Promise<PickleScan> {
  const imports = new Map<string, PickleImport>();
  const add = (list: PickleImport[]) => list.forEach((i) => imports.set(`${i.module}\0${i.name}`, i));
  const details: PickleFileDetails = { format: 'pickle', imports: [] };
  let verdict: Safety = 'safe';
  let error: string | undefined;
  try {
    if (isZip(await src.read(0, 4))) {
      const entries = (await readZipDirectory(src)).filter((e) => e.name.endsWith('.pkl'));
      details.format = entries.length ? 'pytorch-zip' : 'zip';
      details.entries = entries.map((e) => e.name);
      for (const entry of entries) {
        const scan = await scanPickleStream(new ByteReader(await zipEntryStream(src, entry)));
        add(scan.imports);
        if (scan.error || scan.notPickle) error ??= `${entry.name}: ${scan.error ?? 'not a pickle'}`;
      }
    } else {
      const scan = await scanPickleStream(new ByteReader(src.stream(0)));
      add(scan.imports);
      if (scan.notPickle) details.format = 'not-pickle';
      if (scan.trailingData) details.trailingData = true;
      if (scan.error) error = scan.error;
    }
  } catch (err) {
    error = (err as Error).message;
  }
  details.imports = [...imports.values()].sort((a, b) => byCodePoint(`${a.module}.${a.name}`, `${b.module}.${b.name}`));
  for (const i of details.imports) verdict = worst(verdict, i.safety);
  if (error) verdict = worst(verdict, 'suspicious');
  return { kind: 'pickle', verdict, details, ...(error ? { error } : {}) };
}

export function scanFile(kind: ScanKind, src: RandomAccessSource): Promise<FileScan> {
  return kind === 'safetensors' ? scanSafetensors(src) : scanPickleFile(src);
}

/** `module.name` of each import whose safety is at least `level`. */
export const importsAtLeast = (scan: PickleScan, level: Safety) =>
  scan.details.imports.filter((i) => worst(i.safety, level) === i.safety).map((i) => `${i.module}.${i.name}`);

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
