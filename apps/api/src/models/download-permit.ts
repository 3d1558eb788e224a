import type { DownloadDecision, ServedFile } from './download-grant.port';

/**
 * Proof that the one download decision was made and confirmed for these files of this model
 * (ModelAccessService.authorizeDownload is the only place that issues one; a test checks that no
 * other file constructs it). Every function that hands out a model file's bytes, or a URL to
 * them, takes a permit and serves only the blobs it covers: a route that forgets the decision
 * (or its confirmation, with the licence audit entry) has no way to reach the bytes.
 */
export class DownloadPermit {
  constructor(
    readonly modelId: string,
    readonly decision: DownloadDecision,
    readonly files: readonly ServedFile[],
  ) {}

  covers(sha256: string): boolean {
    return this.files.some((f) => f.blobSha256 === sha256);
  }
}
