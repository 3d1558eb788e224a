import { GetObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ResolvedHubConfig } from '../config/hub-config';
import { contentDisposition, S3ObjectStorage } from './s3-object-storage';

const configFor = (s3: Partial<ResolvedHubConfig['s3']>) =>
  ({
    s3: {
      endpoint: 'http://127.0.0.1:9000',
      region: 'eu-west-3',
      bucket: 'model-hub',
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'secret',
      forcePathStyle: true,
      ...s3,
    },
  }) as ResolvedHubConfig;

/** Query parameters as a sorted list, so that two URLs compare regardless of parameter order. */
const normalized = (url: string) => {
  const u = new URL(url);
  return { origin: u.origin, path: u.pathname, query: [...u.searchParams].sort(([a], [b]) => a.localeCompare(b)) };
};

describe('S3ObjectStorage.presignUploadParts', () => {
  beforeEach(() =>
    jest.useFakeTimers({
      now: new Date('2026-11-28T12:00:00Z'),
      doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval'],
    }),
  );
  afterEach(() => jest.useRealTimers());

  it.each([
    ['path style, internal endpoint', {}],
    ['virtual-host style, public endpoint with a port', { forcePathStyle: false, publicEndpoint: 'https://s3.example.org:8443' }],
  ])('signs every part exactly as the SDK would (%s)', async (_, s3) => {
    const storage = new S3ObjectStorage(configFor(s3));
    const client = (storage as unknown as { publicClient: Parameters<typeof getSignedUrl>[0] }).publicClient;
    const key = 'uploads/2b1e/6f0c-part';
    const uploadId = 'VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA~.-_';
    const urls = await storage.presignUploadParts(key, uploadId, [1, 2, 17, 10_000], { expiresIn: 3600 });
    expect(urls).toHaveLength(4);
    for (const [i, partNumber] of [1, 2, 17, 10_000].entries()) {
      const expected = await getSignedUrl(client, new UploadPartCommand({ Bucket: 'model-hub', Key: key, UploadId: uploadId, PartNumber: partNumber }), {
        expiresIn: 3600,
      });
      expect(normalized(urls[i])).toEqual(normalized(expected));
    }
    storage.onModuleDestroy();
  });
});

describe('S3ObjectStorage.presignGet', () => {
  beforeEach(() =>
    jest.useFakeTimers({
      now: new Date('2026-11-28T12:00:00Z'),
      doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval'],
    }),
  );
  afterEach(() => jest.useRealTimers());

  it.each([
    ['path style, internal endpoint', {}],
    ['virtual-host style, public endpoint with a port', { forcePathStyle: false, publicEndpoint: 'https://s3.example.org:8443' }],
  ])('signs every download exactly as the SDK would, with one presigner for all (%s)', async (_, s3) => {
    const storage = new S3ObjectStorage(configFor(s3));
    const client = (storage as unknown as { publicClient: Parameters<typeof getSignedUrl>[0] }).publicClient;
    for (const [key, filename] of [
      ['blobs/sha256/ab/ab12', 'model.safetensors'],
      ["odd/key (1)!*'.bin", '模型 "v2".bin'],
      ['blobs/sha256/cd/cd34', undefined],
    ] as const) {
      const url = await storage.presignGet(key, { expiresIn: 900, filename });
      const expected = await getSignedUrl(
        client,
        new GetObjectCommand({ Bucket: 'model-hub', Key: key, ResponseContentDisposition: filename ? contentDisposition(filename) : undefined }),
        { expiresIn: 900 },
      );
      expect(normalized(url)).toEqual(normalized(expected));
    }
    storage.onModuleDestroy();
  });
});

describe('S3ObjectStorage.presignGet within one second', () => {
  afterEach(() => jest.useRealTimers());

  it('signs a file once per second, as the SDK would at that second, and anew the next second', async () => {
    const fake = (now: string) =>
      jest.useFakeTimers({
        now: new Date(now),
        doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval'],
      });
    const storage = new S3ObjectStorage(configFor({}));
    const client = (storage as unknown as { publicClient: Parameters<typeof getSignedUrl>[0] }).publicClient;
    const presign = jest.spyOn(storage as unknown as { signGet: () => Promise<string> }, 'signGet');
    fake('2026-11-28T12:00:00.100Z');
    const first = await storage.presignGet('blobs/ab', { expiresIn: 900, filename: 'a.bin' });
    fake('2026-11-28T12:00:00.900Z');
    expect(await storage.presignGet('blobs/ab', { expiresIn: 900, filename: 'a.bin' })).toBe(first);
    expect(presign).toHaveBeenCalledTimes(1);
    // Another name or lifetime is another URL.
    expect(await storage.presignGet('blobs/ab', { expiresIn: 900, filename: 'b.bin' })).not.toBe(first);
    expect(await storage.presignGet('blobs/ab', { expiresIn: 60, filename: 'a.bin' })).not.toBe(first);
    fake('2026-11-28T12:00:00Z');
    const sdk = await getSignedUrl(
      client,
      new GetObjectCommand({ Bucket: 'model-hub', Key: 'blobs/ab', ResponseContentDisposition: contentDisposition('a.bin') }),
      {
        expiresIn: 900,
      },
    );
    expect(normalized(first)).toEqual(normalized(sdk));
    fake('2026-11-28T12:00:01.000Z');
    const next = new URL(await storage.presignGet('blobs/ab', { expiresIn: 900, filename: 'a.bin' }));
    expect(next.searchParams.get('X-Amz-Date')).toBe('20261128T120001Z');
    expect(next.searchParams.get('X-Amz-Expires')).toBe('900');
    storage.onModuleDestroy();
  });
});

describe('contentDisposition', () => {
  it('gives an ASCII fallback and the exact UTF-8 name', () => {
    expect(contentDisposition('model.safetensors')).toBe(`attachment; filename="model.safetensors"; filename*=UTF-8''model.safetensors`);
    expect(contentDisposition('模型 "v2".bin')).toBe(`attachment; filename="__ _v2_.bin"; filename*=UTF-8''%E6%A8%A1%E5%9E%8B%20%22v2%22.bin`);
  });
});
