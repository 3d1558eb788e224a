import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as hub from '@huggingface/hub';
import { startEmbeddedStoreHub } from '../support/embedded-store-hub';
import { createToken, registerUser, type TestUser } from '../support/factories';
import { startTestHub, type TestHub } from '../support/test-hub';

// Small thresholds so that a 12 MiB file goes through LFS multipart in several parts.
const thresholds = { LFS_THRESHOLD_BYTES: String(1024 * 1024), MULTIPART_THRESHOLD: String(5 * 1024 * 1024), MULTIPART_CHUNK_SIZE: String(5 * 1024 * 1024) };
const hubs: [string, () => Promise<TestHub>][] = [
  ['an S3 service (S3_ENDPOINT)', () => startTestHub({ listen: true, env: thresholds })],
  ['its embedded store (bytes through the storage gateway)', () => startEmbeddedStoreHub(thresholds)],
];

/**
 * The unmodified Hugging Face JS client, pointed at this hub: the compatibility test that no
 * one here wrote. Uploads a card and a file above the LFS threshold (multipart), then reads
 * everything back through the client's own download paths.
 */
describe.each(hubs)('@huggingface/hub against the hub with %s', (_, startHub) => {
  let testHub: TestHub;
  let hubUrl: string;
  let user: TestUser;
  let accessToken: string;
  let cacheDir: string;
  const card = [
    '---',
    'license: apache-2.0',
    'pipeline_tag: text-classification',
    'library_name: transformers',
    'tags: [sentiment, demo]',
    'language: [en, zh]',
    '---',
    '# Demo model',
    '',
  ].join('\n');
  const weights = randomBytes(12 * 1024 * 1024 + 123);
  const small = Buffer.from('{"hidden_size": 8}\n');

  beforeAll(async () => {
    testHub = await startHub();
    hubUrl = testHub.url!;
    user = await registerUser(testHub, 'hfclient');
    accessToken = await createToken(testHub, user, ['write']);
    cacheDir = await fs.mkdtemp(path.join(os.tmpdir(), 'hf-cache-'));
  });
  afterAll(async () => {
    await testHub.close();
    await fs.rm(cacheDir, { recursive: true, force: true });
  });

  const repo = () => ({ type: 'model' as const, name: `${user.username}/demo` });

  it('whoAmI names the user and the token', async () => {
    const me = await hub.whoAmI({ accessToken, hubUrl });
    expect(me).toMatchObject({ type: 'user', name: 'hfclient' });
    expect((me as { auth: { accessToken: { role: string } } }).auth.accessToken.role).toBe('write');
  });

  it('createRepo creates the model and refuses a second time', async () => {
    const created = await hub.createRepo({ repo: repo(), accessToken, hubUrl });
    expect(created.repoUrl).toBe(`${hubUrl}/${user.username}/demo`);
    await expect(hub.createRepo({ repo: repo(), accessToken, hubUrl })).rejects.toMatchObject({ statusCode: 409 });
  });

  it('uploadFiles commits a card, a small file and a large file through LFS multipart', async () => {
    const result = await hub.uploadFiles({
      repo: repo(),
      accessToken,
      hubUrl,
      useXet: false,
      files: [
        { path: 'README.md', content: new Blob([card]) },
        { path: 'config.json', content: new Blob([small]) },
        { path: 'weights/model.bin', content: new Blob([weights]) },
      ],
    });
    expect(result?.commit.oid).toMatch(/^[0-9a-f]{40}$/);
  });

  it('listModels and modelInfo show the card metadata', async () => {
    const listed = [];
    for await (const m of hub.listModels({ search: { owner: user.username }, hubUrl, accessToken })) listed.push(m);
    expect(listed.map((m) => m.name)).toEqual([`${user.username}/demo`]);
    const info = await hub.modelInfo({ name: `${user.username}/demo`, hubUrl, accessToken, additionalFields: ['sha', 'tags', 'cardData', 'library_name'] });
    expect(info).toMatchObject({ name: `${user.username}/demo`, task: 'text-classification', private: false, library_name: 'transformers' });
    expect(info.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(info.tags).toEqual(expect.arrayContaining(['sentiment', 'demo']));
  });

  it('listFiles lists the tree recursively with LFS details', async () => {
    const files = [];
    for await (const f of hub.listFiles({ repo: repo(), recursive: true, hubUrl, accessToken })) files.push(f);
    const byPath = Object.fromEntries(files.map((f) => [f.path, f]));
    expect(Object.keys(byPath).sort()).toEqual(['.gitattributes', 'README.md', 'config.json', 'weights', 'weights/model.bin']);
    expect(byPath['weights/model.bin']).toMatchObject({ type: 'file', size: weights.length, lfs: { oid: sha256(weights), size: weights.length } });
    expect(byPath['weights']).toMatchObject({ type: 'directory' });
  });

  it('downloadFile and fileDownloadInfo return the exact bytes', async () => {
    const info = await hub.fileDownloadInfo({ repo: repo(), path: 'weights/model.bin', hubUrl, accessToken });
    expect(info?.size).toBe(weights.length);
    const blob = await hub.downloadFile({ repo: repo(), path: 'weights/model.bin', hubUrl, accessToken });
    expect(sha256(Buffer.from(await blob!.arrayBuffer()))).toBe(sha256(weights));
    const readme = await hub.downloadFile({ repo: repo(), path: 'README.md', hubUrl, accessToken });
    expect(await readme!.text()).toBe(card);
    expect(await hub.fileDownloadInfo({ repo: repo(), path: 'missing.txt', hubUrl, accessToken })).toBeNull();
  });

  it('snapshotDownload materialises the whole revision', async () => {
    const folder = await hub.snapshotDownload({ repo: repo(), hubUrl, accessToken, cacheDir });
    expect(sha256(await fs.readFile(path.join(folder, 'weights/model.bin')))).toBe(sha256(weights));
    expect(await fs.readFile(path.join(folder, 'config.json'))).toEqual(small);
    expect(await fs.readFile(path.join(folder, 'README.md'), 'utf8')).toBe(card);
  });
});

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
