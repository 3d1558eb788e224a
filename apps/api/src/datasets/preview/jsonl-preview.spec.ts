import { BufferSource } from '../../discovery/scanners/byte-source';
import { previewJsonLines } from './jsonl-preview';
import { TEXT_CHUNK_BYTES } from './preview-model';

const lines = (text: string) => new BufferSource(Buffer.from(text));

describe('previewJsonLines', () => {
  it('takes the union of the keys in order first seen, with their types', async () => {
    const p = await previewJsonLines(lines('{"a":1,"b":"x"}\r\n\n{"a":2.5,"c":[1]}\n{"b":null,"c":{"k":1}}'));
    expect(p.columns).toEqual([
      { name: 'a', type: 'float' },
      { name: 'b', type: 'string' },
      { name: 'c', type: 'json' },
    ]);
    expect(p.rows).toEqual([
      { a: 1, b: 'x', c: null },
      { a: 2.5, b: null, c: [1] },
      { a: null, b: null, c: { k: 1 } },
    ]);
    expect(p).toMatchObject({ rowCount: 3, truncated: false });
  });

  it('drops the partial last line of a large file', async () => {
    const line = JSON.stringify({ text: 'y'.repeat(1000) }) + '\n';
    const p = await previewJsonLines(lines(line.repeat(Math.ceil((TEXT_CHUNK_BYTES * 1.5) / line.length))));
    expect(p.rows).toHaveLength(100);
    expect(p).toMatchObject({ rowCount: null, truncated: true });
  });

  it('names the line that is not a JSON object', async () => {
    await expect(previewJsonLines(lines('{"a":1}\n{"a":\n'))).rejects.toThrow(/line 2 is not valid JSON/);
    await expect(previewJsonLines(lines('{"a":1}\n[1,2]\n'))).rejects.toThrow('line 2 is not a JSON object');
  });
});
