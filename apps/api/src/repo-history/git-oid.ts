import { createHash } from 'node:crypto';

/**
 * The `oid` of tree entries. Hugging Face shows git object ids; the hub stores no git objects, so:
 * - an LFS file's oid is the real git blob id of its LFS pointer file (exactly what Hugging Face
 *   shows, computable from sha256 and size alone);
 * - a regular file's oid is a pseudo git id: the first 40 hex characters of its content sha256.
 *   It is deterministic (same bytes, same oid) but is not `git hash-object` of the bytes, which
 *   would need every file's content for every listing;
 * - a directory's oid is the first 40 hex of the sha256 over its files' relative paths and
 *   sha256s, so it changes exactly when something inside changes.
 * The content sha256 itself is always in `lfs.oid` (LFS files) and in the download ETag.
 */
export function lfsPointer(sha256: string, size: bigint | number): string {
  return `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256}\nsize ${size}\n`;
}

export function gitBlobId(content: string | Buffer): string {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

export function fileOid(file: { blobSha256: string; size: bigint; lfs: boolean }): string {
  return file.lfs ? gitBlobId(lfsPointer(file.blobSha256, file.size)) : file.blobSha256.slice(0, 40);
}

export function directoryOid(entries: { relativePath: string; blobSha256: string }[]): string {
  const h = createHash('sha256');
  for (const e of entries) h.update(`${e.relativePath}\0${e.blobSha256}\n`);
  return h.digest('hex').slice(0, 40);
}
