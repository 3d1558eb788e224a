import { createHash, type Hash } from 'node:crypto';

/**
 * The `oid` of tree entries, as git and Hugging Face give them:
 * - an LFS file's oid is the git blob id of its LFS pointer file (computable from sha256 and size);
 * - a regular file's oid is the git blob id of its bytes (`git hash-object`), computed when the
 *   hub stores them and kept on the blob (`blobs.git_oid`). Bytes stored before that get theirs
 *   from the start-up backfill (BlobGitOidBackfill); until it reached them, the first 40 hex of
 *   the sha256 stand in;
 * - a directory's oid is the first 40 hex of the sha256 over its files' relative paths and
 *   sha256s, so it changes exactly when something inside changes (no git trees are stored).
 * The content sha256 itself is always in `lfs.oid` (LFS files) and in the download ETag.
 */
export function lfsPointer(sha256: string, size: bigint | number): string {
  return `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256}\nsize ${size}\n`;
}

export function gitBlobId(content: string | Buffer): string {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return gitBlobHash(bytes.length).update(bytes).digest('hex');
}

/** The git blob hash of `size` bytes still to come (feed them with update, then digest('hex')). */
export function gitBlobHash(size: bigint | number): Hash {
  return createHash('sha1').update(`blob ${size}\0`);
}

export function fileOid(file: { blobSha256: string; size: bigint; lfs: boolean; gitOid: string | null }): string {
  if (file.lfs) return gitBlobId(lfsPointer(file.blobSha256, file.size));
  return file.gitOid ?? file.blobSha256.slice(0, 40);
}

export function directoryOid(entries: { relativePath: string; blobSha256: string }[]): string {
  const h = createHash('sha256');
  for (const e of entries) h.update(`${e.relativePath}\0${e.blobSha256}\n`);
  return h.digest('hex').slice(0, 40);
}
