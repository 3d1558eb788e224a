/** A sha256 as git-lfs names objects: 64 lower-case hex digits. */
export const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Where clients' uploads wait (under a key only the hub hands out) until they are verified. */
export const STAGING_PREFIX = 'uploads/';

/** The content-addressed key of verified bytes: `blobs/sha256/<first two hex>/<sha256>`. */
export function contentKey(sha256: string): string {
  return `blobs/sha256/${sha256.slice(0, 2)}/${sha256}`;
}

/** One key per upload, so concurrent uploads of the same bytes never share a staging object. */
export function stagingKey(modelId: string, uploadId: string): string {
  return `${STAGING_PREFIX}${modelId}/${uploadId}`;
}
