import { BufferSource } from '../../discovery/scanners/byte-source';
import { columnNames, lastRecordEnd, previewDelimited } from './delimited-preview';
import { BrokenFileError, TEXT_CHUNK_BYTES } from './preview-model';

const csv = (text: string) => new BufferSource(Buffer.from(text));

describe('previewDelimited', () => {
  it('reads the header, infers the types and counts the rows of a file read whole', async () => {
    const p = await previewDelimited(csv('id,score,ok,name\n1,0.5,true,a\n2,,false,b\n3,2,true,\n'), ',');
    expect(p.columns).toEqual([
      { name: 'id', type: 'integer' },
      { name: 'score', type: 'float' },
      { name: 'ok', type: 'boolean' },
      { name: 'name', type: 'string' },
    ]);
    expect(p.rows[0]).toEqual({ id: 1, score: 0.5, ok: true, name: 'a' });
    expect(p.rows[1]).toEqual({ id: 2, score: null, ok: false, name: 'b' });
    expect(p.rows[2]).toEqual({ id: 3, score: 2, ok: true, name: null });
    expect(p.rowCount).toBe(3);
    expect(p.truncated).toBe(false);
  });

  it('skips a byte order mark and keeps quoted line breaks, delimiters and quotes inside their field', async () => {
    const p = await previewDelimited(csv('\uFEFFtext,n\r\n"two\r\nlines, and ""quotes""",1\r\nplain,2\r\n'), ',');
    expect(p.columns.map((c) => c.name)).toEqual(['text', 'n']);
    expect(p.rows).toEqual([
      { text: 'two\r\nlines, and "quotes"', n: 1 },
      { text: 'plain', n: 2 },
    ]);
  });

  it('shows a mixed column as the text written, and numbers too large for JSON as text', async () => {
    const p = await previewDelimited(csv('v,id\n1,12345678901234567890\nx,2\n'), ',');
    expect(p.columns).toEqual([
      { name: 'v', type: 'string' },
      { name: 'id', type: 'string' },
    ]);
    expect(p.rows).toEqual([
      { v: '1', id: '12345678901234567890' },
      { v: 'x', id: '2' },
    ]);
  });

  it('reads tabs for TSV and names blank or repeated headers', async () => {
    const p = await previewDelimited(csv('a\t\ta\n1\t2\t3\n'), '\t');
    expect(p.rows).toEqual([{ a: 1, column_2: 2, a_2: 3 }]);
  });

  it('reads only the first chunk of a large file, drops its partial last record (even inside quotes) and shows 100 rows', async () => {
    const row = (i: number) => `${i},"note ${i}\nsecond line"\n`;
    let text = 'n,note\n';
    for (let i = 0; text.length < TEXT_CHUNK_BYTES * 2; i++) text += row(i);
    const p = await previewDelimited(csv(text), ',');
    expect(p.rows).toHaveLength(100);
    expect(p.rows[99]).toEqual({ n: 99, note: 'note 99\nsecond line' });
    expect(p.rowCount).toBeNull();
    expect(p.truncated).toBe(true);
  });

  it('says what is wrong with a broken file', async () => {
    await expect(previewDelimited(csv('a,b\n1,2\n3\n'), ',')).rejects.toThrow(BrokenFileError);
    await expect(previewDelimited(csv('a,b\n"open,2\n'), ',')).rejects.toThrow(/not valid CSV: .*quote/i);
  });

  it('answers an empty file with no columns', async () => {
    expect(await previewDelimited(csv(''), ',')).toEqual({ columns: [], rows: [], rowCount: 0, truncated: false });
  });
});

describe('lastRecordEnd and columnNames', () => {
  it('finds the last line break outside quotes', () => {
    expect(lastRecordEnd(Buffer.from('a\nb,"c\nd'))).toBe(1);
    expect(lastRecordEnd(Buffer.from('"x"""\ny'))).toBe(5);
    expect(lastRecordEnd(Buffer.from('"never closed\n'))).toBe(-1);
  });

  it('gives every column one key', () => {
    expect(columnNames(['x', 'x', '', 'x'])).toEqual(['x', 'x_2', 'column_3', 'x_3']);
  });
});
