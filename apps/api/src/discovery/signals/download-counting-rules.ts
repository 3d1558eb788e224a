import { posix } from 'node:path';

/**
 * Which file downloads count (docs/discovery.md): a GET (HEAD never reaches here) of a file that
 * is not the card or a configuration file. Clients fetch those to look at a model; the weights
 * are what someone downloads to use it.
 */
const NOT_COUNTED_NAMES = new Set(['readme.md', '.gitattributes', '.gitignore']);
const NOT_COUNTED_EXTENSIONS = new Set(['.json', '.yaml', '.yml', '.md']);

export function isCountedDownload(path: string): boolean {
  const base = posix.basename(path).toLowerCase();
  return !NOT_COUNTED_NAMES.has(base) && !NOT_COUNTED_EXTENSIONS.has(posix.extname(base));
}

/** Who a download counts for: at most once per file and UTC day for each user, or else each address. */
export const downloader = (userId: string | null | undefined, address: string | null | undefined) => (userId ? `u:${userId}` : `a:${address || 'unknown'}`);

/** The UTC day of an instant, as `YYYY-MM-DD`. */
export const utcDay = (at: Date) => at.toISOString().slice(0, 10);
