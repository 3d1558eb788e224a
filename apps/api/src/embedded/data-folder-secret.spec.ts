import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dataFolderSecret } from './data-folder-secret';

describe('dataFolderSecret', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secret-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('generates once (mode 0600) and returns the same secret afterwards', async () => {
    const first = await dataFolderSecret(dir, 'key');
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(fs.statSync(path.join(dir, 'key')).mode & 0o777).toBe(0o600);
    expect(await dataFolderSecret(dir, 'key')).toBe(first);
    expect(fs.readdirSync(dir)).toEqual(['key']);
  });

  it('gives every caller generating at once the same secret (two replicas starting on one folder)', async () => {
    const secrets = await Promise.all(Array.from({ length: 20 }, () => dataFolderSecret(dir, 'key')));
    expect(new Set(secrets).size).toBe(1);
    expect(fs.readFileSync(path.join(dir, 'key'), 'utf8')).toBe(secrets[0]);
  });

  it('replaces an unusable (too short) file', async () => {
    fs.writeFileSync(path.join(dir, 'key'), 'short');
    const secret = await dataFolderSecret(dir, 'key');
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(fs.readFileSync(path.join(dir, 'key'), 'utf8')).toBe(secret);
  });
});
