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

/** Two reused read buffers: one is read into while the other is hashed. */
export type HashBuffers = [Buffer, Buffer];
/** Buffers for hashing `bytes` (at most 4 MiB each: a small file gets small ones). */
export const hashBuffers = (bytes = Infinity): HashBuffers => {
  const size = Math.max(1, Math.min(4 * 1024 * 1024, bytes));
  return [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)];
};

/**
 * Feeds bytes `[start, end)` of a file to `hash`, reading the next 4 MiB while it hashes the last
 * (a quarter less time than reading and hashing in turn), through reused buffers: reading
 * gigabytes through fresh stream chunks leaves garbage that V8 collects late.
 */
export async function hashRange(file: string, start: number, end: number, hash: Hash, buffers?: HashBuffers): Promise<void> {
  const fh = await fs.promises.open(file, 'r');
  let pending: Promise<{ bytesRead: number }> | null = null;
  try {
    const bufs = buffers ?? hashBuffers(Number.isFinite(end) ? end - start : (await fh.stat()).size - start);
    const read = (i: number, pos: number) => (pos < end ? fh.read(bufs[i], 0, Math.min(bufs[i].length, end - pos), pos) : null);
    let pos = start;
    let i = 0;
    pending = read(i, pos);
    while (pending) {
      const { bytesRead } = await pending;
      pending = null;
      if (bytesRead === 0) break;
      pos += bytesRead;
      const full = bufs[i];
      i ^= 1;
      pending = read(i, pos);
      hash.update(full.subarray(0, bytesRead));
    }
  } finally {
    // A read still in flight (an error above) must not land in a closed file.
    await pending?.catch(() => undefined);
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
