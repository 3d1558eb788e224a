import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * A secret generated once into the data folder (file `name`, mode 0600), so that what it signs
 * survives a restart of the same hub: sessions without JWT_SECRET, the embedded store's URLs,
 * the webhook secrets' key. Processes sharing the folder and generating at once agree on one.
 */
export async function dataFolderSecret(dataDir: string, name: string): Promise<string> {
  const file = path.join(dataDir, name);
  const existing = await readSecret(file);
  if (existing) return existing;
  await fs.mkdir(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  // Written aside, then linked into place: `link` refuses a name that exists, so of two processes
  // generating at once one wins and the other reads the winner's, never a half-written file.
  const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await fs.writeFile(aside, secret, { mode: 0o600 });
  try {
    await fs.link(aside, file);
    return secret;
  } catch (err) {
    const winner = (err as NodeJS.ErrnoException).code === 'EEXIST' ? await readSecret(file) : null;
    if (winner) return winner;
    // An unusable file (too short) is replaced, as is any file where hard links are not supported.
    await fs.rename(aside, file);
    return secret;
  } finally {
    await fs.rm(aside, { force: true });
  }
}

async function readSecret(file: string): Promise<string | null> {
  const text = (await fs.readFile(file, 'utf8').catch(() => ''))?.trim();
  return text.length >= 32 ? text : null;
}
