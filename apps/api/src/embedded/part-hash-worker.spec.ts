import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PartHashWorker } from './part-hash-worker';
import { GIVEN_UP, LANDED, PartSignal, PlacedPartSink } from './placed-part-sink';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Placed parts and the thread that hashes them as they are written, on real files. */
describe('PlacedPartSink and PartHashWorker', () => {
  let dir: string;
  let file: string;
  const worker = new PartHashWorker();

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'placed-part-'));
    file = path.join(dir, 'assembled');
    await fs.writeFile(file, '');
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));
  afterAll(() => worker.stop());

  /** Writes `bytes` at `offset` in chunks, pausing between them so the follower catches up and waits. */
  async function place(bytes: Buffer, offset: number, limit: number, signal: PartSignal, chunk = 64 * 1024): Promise<void> {
    const handle = await fs.open(file, 'r+');
    async function* slowly() {
      for (let i = 0; i < bytes.length; i += chunk) {
        yield bytes.subarray(i, i + chunk);
        if (i % (16 * chunk) === 0) await new Promise((r) => setTimeout(r, 2));
      }
    }
    try {
      await pipeline(Readable.from(slowly()), new PlacedPartSink(handle, offset, limit, signal));
    } finally {
      await handle.close();
    }
  }

  it('follows two parts written in place, in order, and their running sha256 is that of the whole', async () => {
    const slot = 1024 * 1024;
    const [a, b] = [randomBytes(slot), randomBytes(slot / 2 + 7)];
    const [sa, sb] = [new PartSignal(), new PartSignal()];
    // Part 2 lands before part 1, and the follower of part 1 reads while it is written.
    await place(b, slot, slot, sb);
    sb.settle(LANDED);
    const following = worker.follow(0, file, 0, sa.buffer);
    await place(a, 0, slot, sa);
    sa.settle(LANDED);
    const first = await following;
    expect(first.size).toBe(slot);
    const both = await worker.hash(first.hash, [{ file, offset: slot, size: b.length }]);
    expect(await worker.digest(both.hash)).toBe(sha256(Buffer.concat([a, b])));
    // The state after part 1 is kept: hashing from it again gives the same.
    expect(await worker.digest(first.hash)).toBe(sha256(a));
    worker.drop([first.hash, both.hash]);
  });

  it('a part given up while it is written yields nothing; a part never writes past its slot', async () => {
    const signal = new PartSignal();
    const following = worker.follow(0, file, 0, signal.buffer);
    await place(randomBytes(100_000), 0, 200_000, signal);
    signal.settle(GIVEN_UP);
    expect(await following).toEqual({ hash: 0, size: -1 });
    await expect(place(randomBytes(3000), 0, 2000, new PartSignal(), 1000)).rejects.toThrow(/longer than/);
    // What was written is within the slot: 2000 bytes at most.
    expect((await fs.stat(file)).size).toBe(100_000);
  });

  it('concatenates ranges of files into a new one, hashing them on the way', async () => {
    const [a, b] = [randomBytes(5000), randomBytes(7000)];
    await fs.writeFile(file, Buffer.concat([randomBytes(100), a]));
    await fs.writeFile(path.join(dir, 'b'), b);
    const out = path.join(dir, 'out');
    const result = await worker.digestRanges(
      [
        { file, offset: 100, size: a.length },
        { file: path.join(dir, 'b'), offset: 0, size: b.length },
      ],
      out,
    );
    expect(result).toEqual({ sha256: sha256(Buffer.concat([a, b])), size: 12_000 });
    expect((await fs.readFile(out)).equals(Buffer.concat([a, b]))).toBe(true);
    await expect(worker.digestRanges([{ file, offset: 0, size: 1e6 }])).rejects.toThrow(/shorter/);
  });
});
