import { createHash } from 'node:crypto';
import { ObjectStorage } from '../../apps/api/src/storage/object-storage';
import { grantTo, manualCommercialOffer } from '../licensing/licensing-support';
import { put, storeBucketBlob, type Op } from '../registry/commits-support';
import { createOrg, registerUser, type TestUser } from '../support/factories';
import { createModel, hubSql } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';

/** Commits to a dataset through the native route (the one for models, under /api/v1/datasets). */
async function commitToDataset(hub: TestHub, user: TestUser, id: string, operations: Op[]) {
  const res = await hub.http().post(`/api/v1/datasets/${id}/commits`).set(user.auth).send({ summary: 'data', operations });
  if (res.status !== 201) throw new Error(`commit failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.commitId as string;
}

/** Text that does not compress, so that each row group is far larger than the footer's 64 KiB first read. */
const noise = (i: number) => createHash('sha256').update(String(i)).digest('hex').repeat(4);
const PARQUET_ROWS = 20_000;
const ROW_GROUP_ROWS = 2_500;
/** A Parquet file of eight row groups (hyparquet-writer is ESM-only, hence the dynamic import). */
async function writeParquet(): Promise<Buffer> {
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  return Buffer.from(
    parquetWriteBuffer({
      columnData: [
        { name: 'id', data: BigInt64Array.from({ length: PARQUET_ROWS }, (_, i) => BigInt(i)), type: 'INT64' },
        { name: 'text', data: Array.from({ length: PARQUET_ROWS }, (_, i) => `review ${i}: ${noise(i)}`), type: 'STRING' },
        { name: 'stars', data: Float64Array.from({ length: PARQUET_ROWS }, (_, i) => (i % 5) + 0.5), type: 'DOUBLE' },
      ],
      rowGroupSize: ROW_GROUP_ROWS,
    }),
  );
}

/** Byte ranges [start, end) of each row group's column chunks, from the file's own footer. */
async function rowGroupRanges(bytes: Buffer): Promise<[number, number][]> {
  const { parquetMetadata } = await import('hyparquet');
  const footer = bytes.readUInt32LE(bytes.length - 8);
  return parquetMetadata(bytes.subarray(bytes.length - 8 - footer)).row_groups.map((g) => {
    const starts = g.columns.map((c) => Number(c.meta_data!.dictionary_page_offset ?? c.meta_data!.data_page_offset));
    return [Math.min(...starts), Math.max(...g.columns.map((c, i) => starts[i] + Number(c.meta_data!.total_compressed_size)))];
  });
}

const CSV = '\uFEFFid,name,score,verified\n1,"Smith, Anna",4.5,true\n2,"multi\nline",,false\n3,Bob,3,true\n';
const TSV = 'word\tcount\nhello\t10\nworld\t20\n';
const JSONL = '{"text":"good","label":1}\n{"text":"bad","label":0,"extra":{"k":[1,2]}}\n';

describe('dataset preview', () => {
  let hub: TestHub;
  let alice: TestUser;
  let bob: TestUser;
  let dataset: string;
  let parquetKey: string;
  let parquet: Buffer;
  const preview = (id: string, query: Record<string, string>, user?: TestUser) => {
    const req = hub.http().get(`/api/v1/datasets/${id}/preview`).query(query);
    return user ? req.set(user.auth) : req;
  };

  beforeAll(async () => {
    hub = await startTestHub();
    [alice, bob] = await Promise.all([registerUser(hub), registerUser(hub)]);
    parquet = await writeParquet();
    dataset = (await createModel(hub, alice, { name: 'reviews', kind: 'dataset' })).id;
    const blob = await storeBucketBlob(hub, dataset, parquet);
    parquetKey = blob.key;
    await commitToDataset(hub, alice, dataset, [
      put('data/train.csv', CSV),
      put('data/words.tsv', TSV),
      put('data/labels.jsonl', JSONL),
      { op: 'lfs', path: 'data/train.parquet', sha256: blob.sha256, size: blob.size },
      put('broken.parquet', 'id,name\n1,a\n'),
      put('broken.jsonl', '{"a":1}\nnot json\n'),
      put('notes.txt', 'hello'),
    ]);
  });
  afterAll(() => hub.close());

  it('previews a CSV file: header, inferred types, quoted fields, a BOM, the row count of a file read whole', async () => {
    const res = await preview(dataset, { path: 'data/train.csv' }).expect(200);
    const info = await hub.http().get(`/api/v1/datasets/${dataset}`).expect(200);
    expect(res.body).toEqual({
      path: 'data/train.csv',
      revision: info.body.sha,
      format: 'csv',
      columns: [
        { name: 'id', type: 'integer' },
        { name: 'name', type: 'string' },
        { name: 'score', type: 'float' },
        { name: 'verified', type: 'boolean' },
      ],
      rows: [
        { id: 1, name: 'Smith, Anna', score: 4.5, verified: true },
        { id: 2, name: 'multi\nline', score: null, verified: false },
        { id: 3, name: 'Bob', score: 3, verified: true },
      ],
      rowCount: 3,
      truncated: false,
    });
  });

  it('previews TSV and JSON Lines files', async () => {
    const tsv = await preview(dataset, { path: 'data/words.tsv', revision: 'main' }).expect(200);
    expect(tsv.body).toMatchObject({
      format: 'tsv',
      columns: [
        { name: 'word', type: 'string' },
        { name: 'count', type: 'integer' },
      ],
      rows: [
        { word: 'hello', count: 10 },
        { word: 'world', count: 20 },
      ],
      rowCount: 2,
    });
    const jsonl = await preview(dataset, { path: 'data/labels.jsonl' }).expect(200);
    expect(jsonl.body).toMatchObject({
      format: 'jsonl',
      columns: [
        { name: 'text', type: 'string' },
        { name: 'label', type: 'integer' },
        { name: 'extra', type: 'struct' },
      ],
      rows: [
        { text: 'good', label: 1, extra: null },
        { text: 'bad', label: 0, extra: { k: [1, 2] } },
      ],
      rowCount: 2,
      truncated: false,
    });
  });

  it('previews a Parquet file in the bucket reading only its footer and its first row group from S3', async () => {
    const groups = await rowGroupRanges(parquet);
    expect(groups).toHaveLength(PARQUET_ROWS / ROW_GROUP_ROWS);
    // The real S3 server serves every range; the spy only records which ones the hub asked for.
    const getStream = jest.spyOn(hub.app.get(ObjectStorage), 'getStream');
    try {
      const res = await preview(dataset, { path: 'data/train.parquet' }).expect(200);
      expect(res.body.columns).toEqual([
        { name: 'id', type: 'integer' },
        { name: 'text', type: 'string' },
        { name: 'stars', type: 'float' },
      ]);
      expect(res.body.rows).toHaveLength(100);
      expect(res.body.rows[0]).toEqual({ id: 0, text: `review 0: ${noise(0)}`, stars: 0.5 });
      expect(res.body.rows[99]).toEqual({ id: 99, text: `review 99: ${noise(99)}`, stars: 4.5 });
      expect(res.body).toMatchObject({ format: 'parquet', rowCount: PARQUET_ROWS, truncated: true });

      const ranges = getStream.mock.calls.filter(([key]) => key === parquetKey).map(([, range]) => [range!.start, range!.end! + 1]);
      const [tail, ...rest] = ranges;
      // One fixed read of the last 64 KiB holds the footer; the others lie inside the first row group.
      expect(tail).toEqual([parquet.length - 64 * 1024, parquet.length]);
      expect(rest.length).toBeGreaterThan(0);
      for (const [start, end] of rest) {
        expect(start).toBeGreaterThanOrEqual(groups[0][0]);
        expect(end).toBeLessThanOrEqual(groups[0][1]);
      }
      const read = ranges.reduce((n, [s, e]) => n + e - s, 0);
      expect(read).toBeLessThan(groups[0][1] - groups[0][0] + 64 * 1024 + 1);
      expect(read * 4).toBeLessThan(parquet.length);

      // Content-addressed: the same bytes are previewed once, then served from the cache.
      getStream.mockClear();
      await preview(dataset, { path: 'data/train.parquet' }).expect(200);
      expect(getStream.mock.calls.filter(([key]) => key === parquetKey)).toHaveLength(0);
    } finally {
      getStream.mockRestore();
    }
  });

  it('answers bad requests with clear 4xx', async () => {
    const missing = await preview(dataset, { path: 'data/nope.csv' }).expect(404);
    expect(missing.body.code).toBe('entry_not_found');
    const revision = await preview(dataset, { path: 'data/train.csv', revision: 'no-such-branch' }).expect(404);
    expect(revision.body.code).toBe('revision_not_found');
    const noPath = await preview(dataset, {}).expect(400);
    expect(noPath.body.error).toContain('path');
    const unsupported = await preview(dataset, { path: 'notes.txt' }).expect(422);
    expect(unsupported.body).toMatchObject({ code: 'unsupported_preview_format' });
    expect(unsupported.body.error).toContain('.csv, .tsv, .tab, .jsonl, .ndjson, .parquet');
    const brokenParquet = await preview(dataset, { path: 'broken.parquet' }).expect(422);
    expect(brokenParquet.body).toMatchObject({ code: 'broken_file' });
    expect(brokenParquet.body.error).toContain('not a readable Parquet file');
    const brokenJsonl = await preview(dataset, { path: 'broken.jsonl' }).expect(422);
    expect(brokenJsonl.body.error).toContain('line 2 is not valid JSON');
    const model = await createModel(hub, alice, { name: 'reviews' });
    const asModel = await hub.http().get(`/api/v1/datasets/${model.namespace}/no-such-dataset/preview`).query({ path: 'a.csv' }).expect(404);
    expect(asModel.body.code).toBe('repo_not_found');
  });

  it('hides a private dataset from others (404) and previews it for its owner', async () => {
    const hidden = (await createModel(hub, alice, { name: 'secret-data', kind: 'dataset', visibility: 'private' })).id;
    await commitToDataset(hub, alice, hidden, [put('a.csv', 'x\n1\n')]);
    for (const who of [bob, undefined]) {
      const res = await preview(hidden, { path: 'a.csv' }, who).expect(404);
      expect(res.body.code).toBe('repo_not_found');
    }
    await preview(hidden, { path: 'a.csv' }, alice).expect(200);
  });

  it('refuses a gated dataset exactly as a download, and previews it under a grant without counting a download', async () => {
    const publisher = await createOrg(hub, alice);
    const licensee = await createOrg(hub, bob);
    const gated = (await createModel(hub, alice, { namespace: publisher, name: 'licensed-data', kind: 'dataset' })).id;
    await commitToDataset(hub, alice, gated, [put('a.csv', 'x\n1\n')]);
    const offer = await hub.http().post(`/api/v1/datasets/${gated}/offers`).set(alice.auth).send(manualCommercialOffer).expect(201);

    const download = await hub.http().get(`/api/v1/datasets/${gated}/files/a.csv`).set(bob.auth);
    const refused = await preview(gated, { path: 'a.csv' }, bob);
    expect(download.status).toBe(403);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('gated_repo');
    expect(refused.body.error).toBe(download.body.error);
    const anonymous = await preview(gated, { path: 'a.csv' });
    expect(anonymous.status).toBe(401);
    // A refusal says nothing about the files: a missing one is refused alike.
    await preview(gated, { path: 'missing.csv' }, bob).expect(403);

    await grantTo(hub, bob, licensee, offer.body.id, alice);
    const res = await preview(gated, { path: 'a.csv' }, bob).expect(200);
    expect(res.body.rows).toEqual([{ x: 1 }]);
    const audit = await hubSql<{ details: { route: string } }>(
      hub,
      `SELECT details FROM license_audit_events WHERE model_name = $1 AND action = 'file.downloaded' AND path = 'a.csv'`,
      gated,
    );
    expect(audit.map((a) => a.details.route)).toEqual(['preview']);
    const events = await hubSql<{ n: number }>(
      hub,
      `SELECT count(*)::int AS n FROM download_events e JOIN models m ON m.id = e.model_id WHERE m.kind = 'dataset' AND e.path = 'a.csv'`,
    );
    expect(events[0].n).toBe(0);
  });
});
