import { createHash } from 'node:crypto';

/**
 * A small git-lfs client over fetch, speaking the batch API the way the Hugging Face clients do
 * (basic PUT + verify, and Hugging Face's multipart transfer with a completion URL). For tests,
 * benchmarks and anyone who needs LFS objects in a hub without a Hugging Face client.
 *
 *   const repo = { baseUrl: hub.url!, namespace: 'alice', name: 'bert', token };
 *   const up = await uploadLfsObject(repo, bytes);        // batch, PUT(s), verify or complete
 *   assertUploaded(up);                                    // throws unless the hub took the bytes
 */
export interface LfsRepo {
  /** The hub's base URL (a test hub started with `listen: true`). */
  baseUrl: string;
  namespace: string;
  name: string;
  /** Bearer credential: a session JWT or an `hf_` token. */
  token?: string;
}

export interface LfsAction {
  href: string;
  header?: Record<string, string>;
  expires_in?: number;
}

export interface LfsBatchObject {
  oid: string;
  size: number;
  authenticated?: boolean;
  actions?: { upload?: LfsAction; verify?: LfsAction; download?: LfsAction };
  error?: { code: number; message: string };
}

export interface LfsBatchAnswer {
  status: number;
  contentType: string | null;
  /** The parsed body: `{transfer, objects, hash_algo}` on success, the hub's error shape otherwise. */
  body: { transfer?: string; objects?: LfsBatchObject[]; hash_algo?: string; error?: string; code?: string } & Record<string, unknown>;
}

export interface LfsUpload {
  oid: string;
  size: number;
  /** The batch answer's object for these bytes. */
  object: LfsBatchObject;
  /** `skipped`: the hub already has the bytes for this caller; `uploaded`: they went to storage. */
  outcome: 'skipped' | 'uploaded' | 'error';
  transfer?: 'basic' | 'multipart';
  /** The completion call (multipart) or verify call (basic), when one was made. */
  confirm?: { status: number; body: Record<string, unknown> };
  /** The multipart completion URL, to try it again in tests. */
  completionUrl?: string;
  /** The parts sent (multipart). */
  parts?: { partNumber: number; etag: string }[];
}

export const LFS_MEDIA_TYPE = 'application/vnd.git-lfs+json';

/** The LFS endpoint of a model (as `createModel` returns it) for a caller's credential (none: anonymous). */
export const lfsRepo = (baseUrl: string, model: { namespace: string; name: string }, token?: string): LfsRepo => ({
  baseUrl,
  namespace: model.namespace,
  name: model.name,
  token,
});
export const sha256Hex = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** Node's fetch sends a Buffer as is; the DOM typings want an ArrayBuffer-backed view. */
const asBody = (bytes: Buffer) => bytes as unknown as Uint8Array<ArrayBuffer>;

const auth = (repo: LfsRepo): Record<string, string> => (repo.token ? { Authorization: `Bearer ${repo.token}` } : {});

async function readJson(res: Response): Promise<Record<string, unknown>> {
  const text = await res.text();
  try {
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    return { raw: text };
  }
}

/** POSTs a batch request and returns the answer, whatever its status. */
export async function lfsBatch(
  repo: LfsRepo,
  operation: 'upload' | 'download',
  objects: { oid: unknown; size: unknown }[],
  options: { transfers?: string[]; hashAlgo?: string; extra?: Record<string, unknown> } = {},
): Promise<LfsBatchAnswer> {
  const res = await fetch(`${repo.baseUrl}/${repo.namespace}/${repo.name}.git/info/lfs/objects/batch`, {
    method: 'POST',
    headers: { Accept: LFS_MEDIA_TYPE, 'Content-Type': LFS_MEDIA_TYPE, ...auth(repo) },
    body: JSON.stringify({
      operation,
      transfers: options.transfers ?? ['basic', 'multipart'],
      hash_algo: options.hashAlgo ?? 'sha256',
      ref: { name: 'main' },
      objects,
      ...options.extra,
    }),
  });
  return { status: res.status, contentType: res.headers.get('content-type'), body: (await readJson(res)) as LfsBatchAnswer['body'] };
}

/** PUTs every part of a multipart upload action (a few at a time) and returns their ETags. */
export async function putParts(action: LfsAction, bytes: Buffer, concurrency = 4): Promise<{ partNumber: number; etag: string }[]> {
  const header = action.header ?? {};
  const chunkSize = Number.parseInt(header.chunk_size, 10);
  const numbers = Object.keys(header)
    .filter((k) => /^[0-9]+$/.test(k))
    .map((k) => ({ key: k, partNumber: Number.parseInt(k, 10) }))
    .sort((a, b) => a.partNumber - b.partNumber);
  if (numbers.length !== Math.ceil(bytes.length / chunkSize))
    throw new Error(`The hub offered ${numbers.length} parts of ${chunkSize} bytes for ${bytes.length} bytes`);
  const parts: { partNumber: number; etag: string }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < numbers.length) {
      const { key, partNumber } = numbers[next++];
      const slice = bytes.subarray((partNumber - 1) * chunkSize, partNumber * chunkSize);
      const res = await fetch(header[key], { method: 'PUT', body: asBody(slice) });
      if (!res.ok) throw new Error(`PUT of part ${partNumber} failed: ${res.status} ${await res.text()}`);
      const etag = res.headers.get('etag');
      if (!etag) throw new Error(`Part ${partNumber} came back without an ETag`);
      parts.push({ partNumber, etag });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, numbers.length) }, worker));
  return parts.sort((a, b) => a.partNumber - b.partNumber);
}

/** POSTs a multipart completion (no credentials, as the Hugging Face clients do). */
export async function completeMultipart(completionUrl: string, body: { oid: string; parts: { partNumber: number; etag: string }[] }) {
  const res = await fetch(completionUrl, { method: 'POST', headers: { Accept: LFS_MEDIA_TYPE, 'Content-Type': LFS_MEDIA_TYPE }, body: JSON.stringify(body) });
  return { status: res.status, body: await readJson(res) };
}

/**
 * Uploads `bytes` through the batch API. `oid`/`size` override what is declared (to send bytes
 * that do not match); `verify: false` skips the verify action of a basic upload (the commit then
 * verifies). Throws when the batch call or a PUT fails; a refused completion or verification is
 * returned in `confirm` for the caller to check.
 */
export async function uploadLfsObject(
  repo: LfsRepo,
  bytes: Buffer,
  options: { oid?: string; size?: number; transfers?: string[]; verify?: boolean } = {},
): Promise<LfsUpload> {
  const oid = options.oid ?? sha256Hex(bytes);
  const size = options.size ?? bytes.length;
  const batch = await lfsBatch(repo, 'upload', [{ oid, size }], { transfers: options.transfers });
  if (batch.status !== 200) throw new Error(`LFS batch failed: ${batch.status} ${JSON.stringify(batch.body)}`);
  const object = batch.body.objects![0];
  if (object.error) return { oid, size, object, outcome: 'error' };
  const upload = object.actions?.upload;
  if (!upload) return { oid, size, object, outcome: 'skipped' };

  if (upload.header?.chunk_size) {
    const parts = await putParts(upload, bytes);
    const confirm = await completeMultipart(upload.href, { oid, parts });
    return { oid, size, object, outcome: 'uploaded', transfer: 'multipart', confirm, completionUrl: upload.href, parts };
  }
  const res = await fetch(upload.href, { method: 'PUT', headers: upload.header ?? {}, body: asBody(bytes) });
  if (!res.ok) throw new Error(`PUT of ${oid} failed: ${res.status} ${await res.text()}`);
  const verify = object.actions?.verify;
  if (!verify || options.verify === false) return { oid, size, object, outcome: 'uploaded', transfer: 'basic' };
  const v = await fetch(verify.href, {
    method: 'POST',
    headers: { Accept: LFS_MEDIA_TYPE, 'Content-Type': LFS_MEDIA_TYPE, ...(verify.header ?? auth(repo)) },
    body: JSON.stringify({ oid, size }),
  });
  return { oid, size, object, outcome: 'uploaded', transfer: 'basic', confirm: { status: v.status, body: await readJson(v) } };
}

/** Throws unless the upload went through (or was skipped because the hub already had the bytes). */
export function assertUploaded(up: LfsUpload): LfsUpload {
  if (up.outcome === 'error') throw new Error(`LFS object refused: ${JSON.stringify(up.object.error)}`);
  if (up.confirm && up.confirm.status !== 200) throw new Error(`LFS upload not confirmed: ${up.confirm.status} ${JSON.stringify(up.confirm.body)}`);
  return up;
}

/** Uploads and asserts in one go; returns the oid and size to name in a commit. */
export async function uploadLfsFile(repo: LfsRepo, bytes: Buffer, options: Parameters<typeof uploadLfsObject>[2] = {}): Promise<{ oid: string; size: number }> {
  const up = assertUploaded(await uploadLfsObject(repo, bytes, options));
  return { oid: up.oid, size: up.size };
}
