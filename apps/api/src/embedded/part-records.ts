import fs from 'node:fs/promises';
import path from 'node:path';
import type { FileRange } from './part-hash-worker';

/**
 * Where the parts of a multipart upload lie in its folder (embedded store), on disk so that a
 * restarted hub finds them. A part is in one of two places:
 *
 * - placed: at its offset in the assembled file (`hub-assembled`), recorded by `<n>.at` (offset,
 *   size, md5) once its last byte is written;
 * - a part file: `<n>` with its md5 in `<n>.md5` (s3rver's own layout), written when the part
 *   could not be placed (no part size declared, a size that does not fit its slot, another PUT of
 *   it writing its slot).
 *
 * A PUT first clears the part's record, and writes the new one when its bytes are all written:
 * a record always describes bytes that are complete, and of the last PUT to start.
 */
export const ASSEMBLED = 'hub-assembled';

export const exists = (file: string) =>
  fs.access(file).then(
    () => true,
    () => false,
  );
export const CONCATENATED = 'hub-concatenated';

/** A part as recorded: where its bytes are, and its md5 (the ETag the store answered). */
export interface PartRecord extends FileRange {
  md5: string;
  placed: boolean;
}

const marker = (dir: string, n: number) => path.join(dir, `${n}.at`);
const ignoreMissing = (err: NodeJS.ErrnoException) => {
  if (err.code !== 'ENOENT') throw err;
};

/** Before a PUT of part `n` writes a byte: no record of an older PUT stays. */
export async function clearRecord(dir: string, n: number, placing: boolean): Promise<void> {
  const files = [marker(dir, n), path.join(dir, `${n}.md5`)];
  // A part file left would only take space: the marker is what names the part's bytes now.
  if (placing) files.push(path.join(dir, String(n)));
  await Promise.all(files.map((f) => fs.unlink(f).catch(ignoreMissing)));
}

/** A placed part's bytes are all written at `offset`. */
export async function recordPlaced(dir: string, n: number, offset: number, size: number, md5: string): Promise<void> {
  const tmp = `${marker(dir, n)}.tmp`;
  await fs.writeFile(tmp, JSON.stringify({ offset, size, md5 }));
  await fs.rename(tmp, marker(dir, n));
}

/** A part file written under `tmp` is complete: it becomes part `n` (bytes first, then the md5 that names them). */
export async function recordPartFile(dir: string, n: number, tmp: string, md5: string): Promise<void> {
  await fs.rename(tmp, path.join(dir, String(n)));
  await fs.writeFile(path.join(dir, `${n}.md5`), md5);
}

/** Part `n` as recorded, or null when no complete PUT of it is. */
export async function readRecord(dir: string, n: number): Promise<PartRecord | null> {
  const placed = await fs.readFile(marker(dir, n), 'utf8').catch(ignoreMissing);
  if (placed) {
    const { offset, size, md5 } = JSON.parse(placed) as { offset: number; size: number; md5: string };
    return { file: path.join(dir, ASSEMBLED), offset, size, md5, placed: true };
  }
  const file = path.join(dir, String(n));
  const [md5, stat] = await Promise.all([fs.readFile(`${file}.md5`, 'utf8').catch(ignoreMissing), fs.stat(file).catch(ignoreMissing)]);
  return md5 && stat ? { file, offset: 0, size: stat.size, md5: md5.trim(), placed: false } : null;
}

/** Every part recorded in the upload's folder, by number. */
export async function readRecords(dir: string): Promise<Map<number, PartRecord>> {
  const numbers = new Set<number>();
  for (const name of await fs.readdir(dir)) {
    const match = /^([1-9][0-9]{0,4})(\.at|\.md5)$/.exec(name);
    if (match) numbers.add(Number(match[1]));
  }
  const records = new Map<number, PartRecord>();
  for (const n of numbers) {
    const record = await readRecord(dir, n);
    if (record) records.set(n, record);
  }
  return records;
}
