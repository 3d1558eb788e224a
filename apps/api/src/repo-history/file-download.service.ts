import { Injectable } from '@nestjs/common';
import { posix } from 'node:path';
import type { Principal } from '../common/auth/principal';
import { BlobRef, BlobService } from '../blobs/blob.service';
import { ModelAccessService } from '../models/model-access.service';
import type { ModelRecord } from '../models/model.repository';
import { downloader, isCountedDownload, utcDay } from '../discovery/signals/download-counting-rules';
import { DownloadEventRepository } from './download-event.repository';
import { RevisionService } from './revision.service';
import { RepoFile, TreeService } from './tree.service';

export interface DownloadRequest {
  method: 'GET' | 'HEAD';
  /** The client's address, recorded with the download event. */
  address?: string | null;
}

/** How to answer a download: a redirect to the bucket, or the bytes of an inline file. */
export interface FileResolution {
  commitId: string;
  file: RepoFile;
  blob: BlobRef;
  /** The strong ETag (quoted content sha256). */
  etag: string;
  /** Presigned GET of the blob (GET and HEAD), for files stored in the bucket. */
  redirectUrl?: string;
  /** The bytes, for inline files on GET (absent on HEAD). */
  inlineBytes?: Buffer;
}

/**
 * The one decision behind both download routes (Hugging Face `resolve` and the native
 * `files/*path`): who may have the bytes, which bytes, where they are, and the download event.
 *
 * Order (one ModelAccessService.authorizeDownload call): the download permission first (gated
 * models: 401/403 `GatedRepo`, so nothing about the files leaks), then the revision (404 `RevisionNotFound`), then the file (404 `EntryNotFound`,
 * carrying `X-Repo-Commit` like every answer of resolve), then the grant's confirmation and audit
 * entry. Files in the bucket get a short-lived
 * presigned URL naming the file (Content-Disposition) — on HEAD too, as Hugging Face answers HEAD
 * with the same redirect; inline files get their bytes on GET. Every GET (not HEAD) is recorded
 * as a DownloadEvent, ranged GETs (resumes) included; it counts in the model's `downloads` by
 * discovery's rules (discovery/signals/download-counting-rules.ts: not the card or a config file,
 * at most once per file, user or address, and UTC day).
 */
@Injectable()
export class FileDownloadService {
  constructor(
    private readonly access: ModelAccessService,
    private readonly revisions: RevisionService,
    private readonly tree: TreeService,
    private readonly blobs: BlobService,
    private readonly events: DownloadEventRepository,
  ) {}

  async resolve(
    principal: Principal | undefined,
    model: ModelRecord,
    revision: string | undefined,
    path: string,
    request: DownloadRequest,
  ): Promise<FileResolution> {
    const {
      permit,
      value: { commitId, file },
    } = await this.access.authorizeDownload(principal, model, async () => {
      const { commitId } = await this.revisions.resolve(model, revision);
      const file = await this.tree.getFile(model, commitId, path, { 'X-Repo-Commit': commitId });
      const served = {
        method: request.method,
        path: file.path,
        revision: revision ?? 'main',
        commitId,
        blobSha256: file.blobSha256,
        route: 'file',
        issuesUrl: !file.inline,
      } as const;
      return { files: [served], value: { commitId, file } };
    });
    const blob: BlobRef = { sha256: file.blobSha256, size: file.size, storageKey: file.storageKey, inline: file.inline };
    const resolution: FileResolution = { commitId, file, blob, etag: `"${file.blobSha256}"` };
    if (!blob.inline) resolution.redirectUrl = await this.blobs.presignDownload(permit, blob, { filename: posix.basename(file.path) });
    else if (request.method === 'GET') resolution.inlineBytes = await this.blobs.readInline(permit, blob.sha256);
    if (request.method === 'GET') {
      await this.events.record({
        modelId: model.id,
        path: file.path,
        commitId,
        blobSha256: file.blobSha256,
        userId: principal?.userId ?? null,
        address: request.address ?? null,
        counted: isCountedDownload(file.path) ? { who: downloader(principal?.userId, request.address), day: utcDay(new Date()) } : undefined,
      });
    }
    return resolution;
  }
}
