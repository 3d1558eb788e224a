import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { attachOrStartEmbeddedPostgres } from './embedded-postgres';

describe('attachOrStartEmbeddedPostgres', () => {
  it('uses the server a running hub started on the directory, and leaves it running', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hub-pg-attach-'));
    try {
      // postmaster.pid of a live process (this one) listening on port 54329.
      await fs.writeFile(path.join(dir, 'postmaster.pid'), `${process.pid}\n${dir}\n1700000000\n54329\n/tmp\n127.0.0.1\n`);
      const pg = await attachOrStartEmbeddedPostgres(dir, 'hub');
      expect(pg.urlFor('hub')).toBe('postgresql://hub:hub-embedded@127.0.0.1:54329/hub');
      await pg.stop();
      expect(await fs.readFile(path.join(dir, 'postmaster.pid'), 'utf8')).toContain('54329');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
