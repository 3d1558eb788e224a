import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { readPostmaster } from '../../apps/api/src/embedded/cluster-owner';
import { pidExists } from '../../apps/api/src/embedded/process-identity';
import { type HubProcess, startMain } from '../platform/platform-helpers';

/**
 * A clone of this checkout's HEAD in a fresh `mktemp -d` folder (mode 0700, like root's home,
 * where everything here runs as root), started with the README's start command, `npm start`
 * (build included), with nothing set but the port. To keep the suite fast, `npm ci` is replaced by
 * links into this checkout's node_modules (the workspace packages linked to the clone's own).
 */
describe('a fresh clone below a 0700 folder', () => {
  let root: string;
  let clone: string;
  let hub: HubProcess | undefined;
  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'hub-clone-'));
    clone = path.join(root, 'model-hub');
    const checkout = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: __dirname, encoding: 'utf8' }).trim();
    execFileSync('git', ['clone', '--quiet', checkout, clone]);
    await linkNodeModules(checkout, clone);
  });
  afterAll(async () => {
    await hub?.stop();
    await fs.rm(root, { recursive: true, force: true });
  });

  it('starts with `npm start` and stops with its embedded PostgreSQL', async () => {
    expect((await fs.stat(root)).mode & 0o777).toBe(0o700);
    const npm = { file: 'npm', args: ['start'], cwd: clone };
    hub = await startMain({ HOME: os.homedir(), PORT: '0', LOG_LEVEL: 'silent' }, 240_000, npm);
    const http = request(hub.url.replace('//localhost:', '//127.0.0.1:'));
    await http.get('/readyz').expect(200);
    await http.post('/api/v1/auth/register').send({ username: 'cloner', email: 'cloner@example.org', password: 'correct-horse-battery' }).expect(201);
    const pgDir = path.join(clone, '.hub-data', 'postgres');
    const server = (await readPostmaster(pgDir))!;
    const stopped = await hub.stop();
    hub = undefined;
    expect(stopped.output).toContain('SIGTERM received, shutting down');
    expect(pidExists(server.pid)).toBe(false);
  }, 300_000);
});

/**
 * node_modules of the clone: a link to each package of the checkout's, except the workspaces, which
 * link to the clone's own folders; a workspace's own node_modules (a version of its own) is linked whole.
 */
async function linkNodeModules(checkout: string, clone: string): Promise<void> {
  const from = path.join(checkout, 'node_modules');
  const to = path.join(clone, 'node_modules');
  await fs.mkdir(to);
  for (const name of await fs.readdir(from)) {
    if (name === '@model-hub' || name === '.package-lock.json') continue;
    await fs.symlink(path.join(from, name), path.join(to, name));
  }
  await fs.mkdir(path.join(to, '@model-hub'));
  for (const name of await fs.readdir(path.join(from, '@model-hub'))) {
    await fs.symlink(await fs.readlink(path.join(from, '@model-hub', name)), path.join(to, '@model-hub', name));
  }
  const { workspaces } = JSON.parse(await fs.readFile(path.join(clone, 'package.json'), 'utf8')) as { workspaces: string[] };
  for (const workspace of workspaces) {
    const own = path.join(checkout, workspace, 'node_modules');
    if (
      await fs.stat(own).then(
        () => true,
        () => false,
      )
    )
      await fs.symlink(own, path.join(clone, workspace, 'node_modules'));
  }
}
