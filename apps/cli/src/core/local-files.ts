import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';

/** Folders never uploaded: version control and this tool's own state. */
const SKIPPED_DIRS = new Set(['.git', '.modelhub', '.cache']);

export interface LocalFile {
  /** Absolute path on disk. */
  abs: string;
  /** Path relative to the folder, with `/`. */
  rel: string;
  size: number;
  mtimeMs: number;
}

/**
 * Every file below `dir` (sorted), skipping .git, .modelhub and .cache. Synchronous on purpose:
 * for thousands of small files, a stat each through the thread pool costs more than it overlaps.
 */
export function walk(dir: string): LocalFile[] {
  const out: LocalFile[] = [];
  const visit = (abs: string, rel: string) => {
    for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
      const a = path.join(abs, entry.name);
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) visit(a, r);
      } else if (entry.isFile()) {
        const st = fs.statSync(a);
        out.push({ abs: a, rel: r, size: st.size, mtimeMs: st.mtimeMs });
      }
    }
  };
  visit(dir, '');
  return out.sort((x, y) => (x.rel < y.rel ? -1 : 1));
}

/**
 * include/exclude globs on repository paths. A pattern without `/` matches the file name at any
 * depth (`*.bin`); with `/`, the whole path (`weights/**`). No include: everything.
 */
export function pathFilter(include: string[] = [], exclude: string[] = []): (p: string) => boolean {
  const compile = (patterns: string[]) => patterns.map((p) => picomatch(p, { dot: true, basename: !p.includes('/') }));
  const inc = compile(include);
  const exc = compile(exclude);
  return (p) => (inc.length === 0 || inc.some((m) => m(p))) && !exc.some((m) => m(p));
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await hashRange(file, 0, Infinity, hash);
  return hash.digest('hex');
}

/**
 * Feeds bytes `[start, end)` of a file to `hash` through one reused buffer: reading gigabytes
 * through fresh stream chunks leaves garbage that V8 collects late (hundreds of MB of RSS).
 */
export async function hashRange(file: string, start: number, end: number, hash: Hash, buffer = Buffer.allocUnsafe(1024 * 1024)): Promise<void> {
  const fh = await fs.promises.open(file, 'r');
  try {
    for (let pos = start; pos < end;) {
      const { bytesRead } = await fh.read(buffer, 0, Math.min(buffer.length, end - pos), pos);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      pos += bytesRead;
    }
  } finally {
    await fh.close();
  }
}

/** The first `n` bytes of a file (the preupload `sample`). */
export async function headBytes(file: string, n: number): Promise<Buffer> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Writes JSON through a temporary file and a rename: a kill never leaves half a file. */
export function writeJsonAtomic(file: string, data: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(data));
  fs.renameSync(tmp, file);
}

export function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Lines of an append-only log, ignoring a last line cut short by a kill. */
export function readLog(file: string): string[] {
  try {
    const text = fs.readFileSync(file, 'utf8');
    const lines = text.split('\n');
    lines.pop();
    return lines.filter(Boolean);
  } catch {
    return [];
  }
}
