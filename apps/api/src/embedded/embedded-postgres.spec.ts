import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { attachOrStartEmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres';

describe('attachOrStartEmbeddedPostgres', () => {
  it('uses the server a running hub started on the directory, with its password, and leaves it running', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hub-pg-attach-'));
    const hub = await startEmbeddedPostgres(path.join(dir, 'postgres'), 'hub');
    try {
      const attached = await attachOrStartEmbeddedPostgres(path.join(dir, 'postgres'), 'hub');
      expect(attached.urlFor('hub')).toBe(hub.urlFor('hub'));
      expect(new URL(hub.urlFor('hub')).password).toBe((await fs.readFile(path.join(dir, 'postgres', 'hub-password'), 'utf8')).trim());
      await attached.stop();
      const client = new Client({ connectionString: hub.urlFor('hub') });
      await client.connect();
      await client.end();
    } finally {
      await hub.stop();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
