import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import type { Response } from 'supertest';
import { contentKey } from '../../apps/api/src/blobs/blob-keys';
import { createS3Client } from '../../apps/api/src/storage/s3-client.factory';
import type { TestUser } from '../support/factories';
import { hubSql } from '../support/models';
import type { TestHub } from '../support/test-hub';

/** Helpers for the repo-history tests (commits, history, versions, downloads). */

export type Op =
  | { op: 'put'; path: string; contentBase64: string }
  | { op: 'lfs'; path: string; sha256: string; size?: number }
  | { op: 'delete'; path: string }
  | { op: 'deleteFolder'; path: string }
  | { op: 'copy'; path: string; fromPath: string; fromRevision?: string };

export const put = (path: string, content: string | Buffer): Op => ({ op: 'put', path, contentBase64: Buffer.from(content).toString('base64') });
export const del = (path: string): Op => ({ op: 'delete', path });
export const sha256 = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex');
/** git's blob id (`git hash-object`): the oid of regular files. */
export const gitBlob = (text: string) =>
  createHash('sha1')
    .update(`blob ${Buffer.byteLength(text)}\0${text}`)
    .digest('hex');

/** POST /api/v1/models/{id}/commits; returns the supertest response (no status expectation). */
export function postCommit(
  hub: TestHub,
  user: { auth: Record<string, string> },
  repoId: string,
  operations: Op[],
  extra: { summary?: string; branch?: string; parentCommit?: string; description?: string } = {},
) {
  return hub
    .http()
    .post(`/api/v1/models/${repoId}/commits`)
    .set(user.auth)
    .send({ summary: extra.summary ?? 'test commit', ...extra, operations });
}

/** Commits and expects 201; returns the new commit id. */
export async function commit(hub: TestHub, user: TestUser, repoId: string, operations: Op[], extra: Parameters<typeof postCommit>[4] = {}): Promise<string> {
  const res = await postCommit(hub, user, repoId, operations, extra);
  if (res.status !== 201) throw new Error(`commit failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.commitId as string;
}

/** Paths of the manifest at a revision (recursive tree, every page, files only). */
export async function filePaths(hub: TestHub, repoId: string, revision = 'main'): Promise<string[]> {
  const paths: string[] = [];
  let cursor: string | null = null;
  do {
    const res: Response = await hub
      .http()
      .get(`/api/v1/models/${repoId}/files`)
      .query({ revision, recursive: true, limit: 10000, ...(cursor ? { cursor } : {}) })
      .expect(200);
    paths.push(...(res.body.entries as { type: string; path: string }[]).filter((e) => e.type === 'file').map((e) => e.path));
    cursor = res.body.nextCursor;
  } while (cursor);
  return paths;
}

/**
 * Bytes in the bucket that `repoId` may commit as an LFS file, as the blobs module leaves them
 * after a verified upload: the object at its content key, its `blobs` row, and a completed upload
 * to that model. Lets these tests make LFS files without driving the upload protocol.
 */
export async function storeBucketBlob(hub: TestHub, repoId: string, bytes: Buffer): Promise<{ sha256: string; size: number; key: string }> {
  const sha = sha256(bytes);
  const key = contentKey(sha);
  const s3 = createS3Client(hub.config);
  try {
    await s3.send(new PutObjectCommand({ Bucket: hub.config.s3.bucket, Key: key, Body: bytes }));
  } finally {
    s3.destroy();
  }
  await hubSql(hub, `INSERT INTO blobs (sha256, size, storage_key) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, sha, bytes.length, key);
  const [namespace, name] = repoId.split('/');
  await hubSql(
    hub,
    `INSERT INTO uploads (id, model_id, sha256, size, staging_key, status, expires_at, completed_at)
     SELECT gen_random_uuid(), m.id, $3, $4, 'test-staging/' || gen_random_uuid(), 'completed', now(), now()
     FROM models m JOIN namespaces n ON n.id = m.namespace_id WHERE n.name_key = lower($1) AND m.name_key = lower($2)`,
    namespace,
    name,
    sha,
    bytes.length,
  );
  return { sha256: sha, size: bytes.length, key };
}

/** The files every new repository starts with (its initial commit holds Hugging Face's default .gitattributes). */
export const INITIAL_FILES = ['.gitattributes'];

/** The `.gitattributes` a new model repository has on huggingface.co (written out here, not read from the hub's code). */
export const HF_DEFAULT_GITATTRIBUTES = [
  ...['7z', 'arrow', 'bin', 'bz2', 'ckpt', 'ftz', 'gz', 'h5', 'joblib', 'lfs.*', 'mlmodel', 'model', 'msgpack', 'npy', 'npz', 'onnx', 'ot'].map(
    (e) => `*.${e}`,
  ),
  ...['parquet', 'pb', 'pickle', 'pkl', 'pt', 'pth', 'rar', 'safetensors'].map((e) => `*.${e}`),
  'saved_model/**/*',
  ...['tar.*', 'tar', 'tflite', 'tgz', 'wasm', 'xz', 'zip', 'zst'].map((e) => `*.${e}`),
  '*tfevents*',
]
  .map((pattern) => `${pattern} filter=lfs diff=lfs merge=lfs -text\n`)
  .join('');

/** The tree entry of the initial .gitattributes, as the native listing gives it. */
export const initialGitattributesEntry = () => ({
  type: 'file',
  path: '.gitattributes',
  size: Buffer.byteLength(HF_DEFAULT_GITATTRIBUTES),
  oid: gitBlob(HF_DEFAULT_GITATTRIBUTES),
});

/** `paths` plus the initial files, sorted as listings sort them. */
export const withInitialFiles = (...paths: string[]): string[] => [...INITIAL_FILES, ...paths].sort();
