import { HttpStatus, Injectable } from '@nestjs/common';
import { BlobService } from '../../blobs/blob.service';
import { ImmutableCache } from '../../cache/immutable-cache';
import type { Principal } from '../../common/auth/principal';
import { HubException } from '../../common/hub-exception';
import { ModelAccessService } from '../../models/model-access.service';
import { printable } from '../../common/printable';
import { RevisionService } from '../../repo-history/revision.service';
import { RepoFile, TreeService } from '../../repo-history/tree.service';
import type { DownloadPermit } from '../../models/download-permit';
import type { DatasetPreviewDto } from './dto/dataset-preview.dto';
import { previewBytes, previewFormatOf, PreviewFormat, SUPPORTED_EXTENSIONS } from './preview-formats';
import { BrokenFileError, FilePreview, PreviewTooLargeError } from './preview-model';

/** Previews kept in memory (each at most 100 rows of a 1 MiB chunk, usually a few kB). */
const CACHED_PREVIEWS = 500;

/**
 * The preview of a dataset file: columns, types and first rows. It serves data derived from the
 * bytes, so it is authorized exactly as a download (ModelAccessService.authorizeDownload: a gated
 * dataset needs membership or a grant, and a grant's use is confirmed and audited with route
 * `preview`). It is not a download: no DownloadEvent, the download count does not move.
 * Previews are cached by content (format and blob sha256): blobs never change.
 */
@Injectable()
export class DatasetPreviewService {
  private readonly previews = new ImmutableCache<FilePreview>(CACHED_PREVIEWS);

  constructor(
    private readonly access: ModelAccessService,
    private readonly revisions: RevisionService,
    private readonly tree: TreeService,
    private readonly blobs: BlobService,
  ) {}

  async preview(principal: Principal | undefined, namespace: string, name: string, path: string, revision = 'main'): Promise<DatasetPreviewDto> {
    const dataset = await this.access.findReadable(principal, namespace, name, 'dataset');
    const format = previewFormatOf(path);
    if (!format) {
      throw new HubException(
        HttpStatus.UNPROCESSABLE_ENTITY,
        'unsupported_preview_format',
        `'${printable(path)}' cannot be previewed: the preview reads CSV, TSV, JSON Lines and Parquet files (${SUPPORTED_EXTENSIONS.join(', ')})`,
      );
    }
    const {
      permit,
      value: { commitId, file },
    } = await this.access.authorizeDownload(principal, dataset, async () => {
      const { commitId } = await this.revisions.resolve(dataset, revision);
      const file = await this.tree.getFile(dataset, commitId, path);
      const served = { method: 'GET', path: file.path, revision, commitId, blobSha256: file.blobSha256, route: 'preview', issuesUrl: false } as const;
      return { files: [served], value: { commitId, file } };
    });
    const preview = await this.previews.get(`${format}:${file.blobSha256}`, () => this.read(permit, format, file));
    return { path: file.path, revision: commitId, format, ...preview };
  }

  private async read(permit: DownloadPermit, format: PreviewFormat, file: RepoFile): Promise<FilePreview> {
    const source = await this.blobs.sourceFor(permit, { sha256: file.blobSha256, size: file.size, storageKey: file.storageKey, inline: file.inline });
    try {
      return await previewBytes(format, source);
    } catch (e) {
      if (e instanceof BrokenFileError) {
        throw new HubException(HttpStatus.UNPROCESSABLE_ENTITY, 'broken_file', `'${printable(file.path)}' cannot be previewed as ${format}: ${e.message}`);
      }
      if (e instanceof PreviewTooLargeError) {
        throw new HubException(HttpStatus.UNPROCESSABLE_ENTITY, 'preview_too_large', `'${printable(file.path)}' cannot be previewed: ${e.message}`);
      }
      throw e;
    }
  }
}
