import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashBuffers, hashRange, sha256File } from './local-files';

describe('hashRange', () => {
  let dir: string;
  let file: string;
  const bytes = randomBytes(3 * 1024 * 1024 + 12345);
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hash-range-'));
    file = path.join(dir, 'data.bin');
    fs.writeFileSync(file, bytes);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('hashes the whole file, and an empty one', async () => {
    expect(await sha256File(file)).toBe(sha(bytes));
    const empty = path.join(dir, 'empty');
    fs.writeFileSync(empty, '');
    expect(await sha256File(empty)).toBe(sha(Buffer.alloc(0)));
  });

  it('hashes ranges that start and end anywhere, through buffers smaller than the range', async () => {
    const small: [Buffer, Buffer] = [Buffer.alloc(1000), Buffer.alloc(1000)];
    for (const [start, end] of [
      [0, 1],
      [7, 1007],
      [999, 2_500_001],
      [1024 * 1024, bytes.length],
    ]) {
      for (const buffers of [small, hashBuffers(end - start), undefined]) {
        const hash = createHash('sha256');
        await hashRange(file, start, end, hash, buffers);
        expect(hash.digest('hex')).toBe(sha(bytes.subarray(start, end)));
      }
    }
  });

  it('stops at the end of the file when the range runs past it', async () => {
    const hash = createHash('sha256');
    await hashRange(file, 100, Infinity, hash);
    expect(hash.digest('hex')).toBe(sha(bytes.subarray(100)));
  });
});
