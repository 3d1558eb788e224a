import { Readable } from 'node:stream';
import { HubException } from '../common/hub-exception';
import { JsonParsePool } from './json-parse-pool';
import { readLimitedBody } from './request-body';

const chunks = (...parts: string[]) => Readable.from(parts.map((p) => Buffer.from(p)));
const statusOf = (e: unknown) => (e instanceof HubException ? e.getStatus() : e);

describe('readLimitedBody', () => {
  it('with a Content-Length, gathers the chunks into one buffer that owns its memory', async () => {
    const body = await readLimitedBody(chunks('{"in', 'puts"', ':[]}'), '13', 100);
    expect(body.toString()).toBe('{"inputs":[]}');
    expect(body.byteOffset).toBe(0);
    expect(body.buffer.byteLength).toBe(13);
  });

  it('without one, concatenates the chunks', async () => {
    expect((await readLimitedBody(chunks('ab', 'cd'), undefined, 100)).toString()).toBe('abcd');
  });

  it('refuses a body over the limit: declared (before reading) or as it streams (413)', async () => {
    await expect(readLimitedBody(chunks('abc'), '101', 100).catch(statusOf)).resolves.toBe(413);
    await expect(readLimitedBody(chunks('a'.repeat(60), 'b'.repeat(60)), undefined, 100).catch(statusOf)).resolves.toBe(413);
  });

  it('refuses more bytes than the Content-Length said (400)', async () => {
    await expect(readLimitedBody(chunks('abcd', 'ef'), '4', 100).catch(statusOf)).resolves.toBe(400);
  });
});

describe('JsonParsePool', () => {
  const pool = new JsonParsePool();
  afterAll(() => pool.onModuleDestroy());

  it('moves a body that owns its memory to its thread, and copies a slice of a shared one', async () => {
    const text = JSON.stringify({ inputs: [{ name: 'x', shape: [3], datatype: 'FP32', data: [1, 2.5, 3] }] });
    const owned = await readLimitedBody(chunks(text), String(text.length), 1000);
    const parsed = (await pool.parse(owned)) as { inputs: { data: Float64Array }[] };
    expect([...parsed.inputs[0].data]).toEqual([1, 2.5, 3]);
    expect(owned.length).toBe(0); // moved

    const pooled = Buffer.from(text); // small: a slice of Node's shared pool
    expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.length);
    const again = (await pool.parse(pooled)) as { inputs: { data: Float64Array }[] };
    expect([...again.inputs[0].data]).toEqual([1, 2.5, 3]);
    expect(pooled.toString()).toBe(text);
  });
});
