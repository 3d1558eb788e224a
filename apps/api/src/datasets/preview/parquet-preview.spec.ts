import { createHash } from 'node:crypto';
import { BufferSource } from '../../discovery/scanners/byte-source';
import { previewParquet } from './parquet-preview';
import { PreviewTooLargeError } from './preview-model';

/** Counts the ranged reads a preview makes. */
class CountingSource extends BufferSource {
  reads: [number, number][] = [];
  override read(offset: number, length: number): Promise<Buffer> {
    this.reads.push([offset, length]);
    return super.read(offset, length);
  }
}

describe('previewParquet', () => {
  const rows = 4000;
  // Text that does not compress, so that each row group is larger than the footer's first read.
  const noise = (i: number) => createHash('sha256').update(String(i)).digest('hex');
  let bytes: Buffer;
  beforeAll(async () => {
    // hyparquet-writer is ESM-only: a dynamic import.
    const { parquetWriteBuffer } = await import('hyparquet-writer');
    bytes = Buffer.from(
      parquetWriteBuffer({
        columnData: [
          { name: 'id', data: BigInt64Array.from({ length: rows }, (_, i) => BigInt(i) * 10n ** 15n), type: 'INT64' },
          { name: 'text', data: Array.from({ length: rows }, (_, i) => `row ${i} ${noise(i)}`), type: 'STRING' },
          { name: 'score', data: Float64Array.from({ length: rows }, (_, i) => i / 4), type: 'DOUBLE' },
          { name: 'ok', data: Array.from({ length: rows }, (_, i) => i % 2 === 0), type: 'BOOLEAN' },
          { name: 'at', data: Array.from({ length: rows }, (_, i) => new Date(Date.UTC(2026, 0, 1) + i * 1000)), type: 'TIMESTAMP' },
        ],
        rowGroupSize: 1000,
      }),
    );
  });

  it('reads columns and the row count from the footer and the first 100 rows, as JSON', async () => {
    const p = await previewParquet(new BufferSource(bytes));
    expect(p.columns).toEqual([
      { name: 'id', type: 'integer' },
      { name: 'text', type: 'string' },
      { name: 'score', type: 'float' },
      { name: 'ok', type: 'boolean' },
      { name: 'at', type: 'timestamp' },
    ]);
    expect(p).toMatchObject({ rowCount: rows, truncated: true });
    expect(p.rows).toHaveLength(100);
    expect(p.rows[0]).toEqual({ id: 0, text: `row 0 ${noise(0)}`, score: 0, ok: true, at: '2026-01-01T00:00:00.000Z' });
    // 10 * 10^15 is beyond 2^53: a decimal string, not a rounded number.
    expect(p.rows[10]).toMatchObject({ id: '10000000000000000', text: `row 10 ${noise(10)}` });
  });

  it('reads the footer with one fixed tail read and nothing else of the row groups after the first', async () => {
    const source = new CountingSource(bytes);
    await previewParquet(source);
    const { parquetMetadata } = await import('hyparquet');
    const footerLength = bytes.readUInt32LE(bytes.length - 8);
    const groups = parquetMetadata(bytes.subarray(bytes.length - 8 - footerLength)).row_groups.map((g) => {
      const starts = g.columns.map((c) => Number(c.meta_data!.dictionary_page_offset ?? c.meta_data!.data_page_offset));
      const ends = g.columns.map((c, i) => starts[i] + Number(c.meta_data!.total_compressed_size));
      return [Math.min(...starts), Math.max(...ends)];
    });
    expect(groups).toHaveLength(4);
    const [tail, ...rest] = source.reads;
    expect(tail).toEqual([bytes.length - 64 * 1024, 64 * 1024]);
    expect(groups[3][1] - groups[3][0]).toBeGreaterThan(64 * 1024);
    expect(rest.length).toBeGreaterThan(0);
    for (const [offset, length] of rest) {
      for (const [start, end] of groups.slice(1)) expect(offset + length <= start || offset >= end).toBe(true);
    }
  });

  it('refuses to read more than its budget', async () => {
    const source = new CountingSource(bytes);
    await expect(previewParquet(source, 100 * 1024)).rejects.toThrow(PreviewTooLargeError);
    expect(source.reads.reduce((n, [, length]) => n + length, 0)).toBeLessThanOrEqual(100 * 1024);
  });

  it('says a file that is not Parquet is broken', async () => {
    await expect(previewParquet(new BufferSource(Buffer.from('id,name\n1,a\n')))).rejects.toThrow(/not a readable Parquet file/);
  });
});
