import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as hub from '@huggingface/hub';
import { createToken, registerUser, type TestUser } from '../support/factories';
import { startTestHub, type TestHub } from '../support/test-hub';

/**
 * A Parquet file of `rows` rows written by hyparquet-writer (ESM only, so in a child Node process,
 * which Jest's module loader does not stand in the way of).
 */
function writeParquet(rows: number): Buffer<ArrayBuffer> {
  const script = `
    import { parquetWriteBuffer } from 'hyparquet-writer';
    const n = ${rows};
    const buf = parquetWriteBuffer({ rowGroupSize: 1000, columnData: [
      { name: 'id', data: Int32Array.from({ length: n }, (_, i) => i), type: 'INT32' },
      { name: 'text', data: Array.from({ length: n }, (_, i) => 'review number ' + i), type: 'STRING' },
      { name: 'label', data: Array.from({ length: n }, (_, i) => i % 3 === 0), type: 'BOOLEAN' },
    ] });
    process.stdout.write(Buffer.from(buf));`;
  return Buffer.from(
    execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: path.resolve(__dirname, '../..'), maxBuffer: 64 * 1024 * 1024 }),
  );
}

/**
 * The unmodified Hugging Face JS client with `{type: "dataset"}`: a dataset is created, filled
 * (a Parquet file through LFS, a CSV inline), listed, read and downloaded, and the model of the
 * same name stays another repository.
 */
describe('@huggingface/hub with datasets', () => {
  let testHub: TestHub;
  let hubUrl: string;
  let user: TestUser;
  let accessToken: string;
  let cacheDir: string;
  const parquet = writeParquet(5000);
  const csv = Buffer.from('id,text,label\n1,great,positive\n2,"bad, really",negative\n');
  const card = ['---', 'license: cc-by-4.0', 'pretty_name: Reviews', 'task_categories: [text-classification]', 'language: [en]', '---', '# Reviews', ''].join(
    '\n',
  );
  const dataset = () => ({ type: 'dataset' as const, name: `${user.username}/reviews` });
  const model = () => ({ type: 'model' as const, name: `${user.username}/reviews` });

  beforeAll(async () => {
    // A small LFS threshold, so that the Parquet file goes through the LFS batch API of datasets.
    testHub = await startTestHub({ listen: true, env: { LFS_THRESHOLD_BYTES: '1024' } });
    hubUrl = testHub.url!;
    user = await registerUser(testHub);
    accessToken = await createToken(testHub, user, ['write']);
    cacheDir = await fs.mkdtemp(path.join(os.tmpdir(), 'hf-datasets-'));
  });
  afterAll(async () => {
    await testHub.close();
    await fs.rm(cacheDir, { recursive: true, force: true });
  });

  it('the Parquet file written for the test is one', () => {
    expect(parquet.length).toBeGreaterThan(1024);
    expect(parquet.subarray(0, 4).toString()).toBe('PAR1');
    expect(parquet.subarray(-4).toString()).toBe('PAR1');
  });

  it('createRepo creates the dataset under /datasets/ and refuses a second time', async () => {
    const created = await hub.createRepo({ repo: dataset(), accessToken, hubUrl });
    expect(created.repoUrl).toBe(`${hubUrl}/datasets/${user.username}/reviews`);
    await expect(hub.createRepo({ repo: dataset(), accessToken, hubUrl })).rejects.toMatchObject({ statusCode: 409 });
  });

  it('uploadFiles commits a card, a Parquet file (through LFS) and a CSV', async () => {
    const result = await hub.uploadFiles({
      repo: dataset(),
      accessToken,
      hubUrl,
      useXet: false,
      files: [
        { path: 'README.md', content: new Blob([card]) },
        { path: 'data/train.parquet', content: new Blob([parquet]) },
        { path: 'data/test.csv', content: new Blob([csv]) },
      ],
    });
    expect(result?.commit.oid).toMatch(/^[0-9a-f]{40}$/);
  });

  it('the same name exists as a model, with other content', async () => {
    const created = await hub.createRepo({ repo: model(), accessToken, hubUrl });
    expect(created.repoUrl).toBe(`${hubUrl}/${user.username}/reviews`);
    await hub.uploadFiles({ repo: model(), accessToken, hubUrl, useXet: false, files: [{ path: 'data/test.csv', content: new Blob(['not the dataset\n']) }] });
    const fromModel = await hub.downloadFile({ repo: model(), path: 'data/test.csv', hubUrl, accessToken });
    const fromDataset = await hub.downloadFile({ repo: dataset(), path: 'data/test.csv', hubUrl, accessToken });
    expect(await fromModel!.text()).toBe('not the dataset\n');
    expect(Buffer.from(await fromDataset!.arrayBuffer())).toEqual(csv);
    expect(await hub.fileExists({ repo: model(), path: 'data/train.parquet', hubUrl, accessToken })).toBe(false);
  });

  it('listDatasets lists the dataset, listModels the model only', async () => {
    const datasets = [];
    for await (const d of hub.listDatasets({ search: { owner: user.username }, hubUrl, accessToken })) datasets.push(d);
    expect(datasets).toEqual([expect.objectContaining({ name: `${user.username}/reviews`, private: false, gated: false, downloads: expect.any(Number) })]);
    const models = [];
    for await (const m of hub.listModels({ search: { owner: user.username }, hubUrl, accessToken })) models.push(m);
    expect(models.map((m) => m.name)).toEqual([`${user.username}/reviews`]);
    expect(models[0].id).not.toBe(datasets[0].id);
  });

  it('datasetInfo answers in the DatasetInfo shape', async () => {
    const info = await hub.datasetInfo({
      name: `${user.username}/reviews`,
      hubUrl,
      accessToken,
      additionalFields: ['author', 'sha', 'tags', 'cardData', 'createdAt', 'description'],
    });
    expect(info).toMatchObject({ name: `${user.username}/reviews`, private: false, gated: false, author: user.username });
    expect(info.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(info.tags).toEqual(expect.arrayContaining(['license:cc-by-4.0']));
    expect(info.cardData).toMatchObject({ license: 'cc-by-4.0', pretty_name: 'Reviews' });
  });

  it('listFiles lists the tree with LFS details of the Parquet file', async () => {
    const files = [];
    for await (const f of hub.listFiles({ repo: dataset(), recursive: true, hubUrl, accessToken })) files.push(f);
    const byPath = Object.fromEntries(files.map((f) => [f.path, f]));
    expect(Object.keys(byPath).sort()).toEqual(['.gitattributes', 'README.md', 'data', 'data/test.csv', 'data/train.parquet']);
    expect(byPath['data/train.parquet']).toMatchObject({ type: 'file', size: parquet.length, lfs: { oid: sha256(parquet), size: parquet.length } });
    expect(byPath['data/test.csv'].lfs).toBeUndefined();
  });

  it('downloadFile returns the exact bytes', async () => {
    const blob = await hub.downloadFile({ repo: dataset(), path: 'data/train.parquet', hubUrl, accessToken });
    expect(sha256(Buffer.from(await blob!.arrayBuffer()))).toBe(sha256(parquet));
    const info = await hub.fileDownloadInfo({ repo: dataset(), path: 'data/train.parquet', hubUrl, accessToken });
    expect(info?.size).toBe(parquet.length);
  });

  it('snapshotDownload materialises every file of the dataset', async () => {
    const folder = await hub.snapshotDownload({ repo: dataset(), hubUrl, accessToken, cacheDir });
    expect(sha256(await fs.readFile(path.join(folder, 'data/train.parquet')))).toBe(sha256(parquet));
    expect(await fs.readFile(path.join(folder, 'data/test.csv'))).toEqual(csv);
    expect(await fs.readFile(path.join(folder, 'README.md'), 'utf8')).toBe(card);
  });
});

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
