import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { HubException } from '../common/hub-exception';
import { HUB_CONFIG, ResolvedHubConfig } from '../config/hub-config';
import { ObjectStorage } from '../storage/object-storage';
import { checkCompletionToken } from './completion-token';
import { MultipartCompleteDto } from './dto/multipart-complete.dto';
import { isClaimLive, UploadRepository } from './upload.repository';
import { UploadVerifier } from './upload-verifier.service';

const gone = (message: string) => new HubException(HttpStatus.GONE, 'upload_gone', message);

/** S3's answers to a CompleteMultipartUpload whose part list is wrong (the client's fault). */
const BAD_PARTS = new Set(['InvalidPart', 'InvalidPartOrder', 'EntityTooSmall', 'MalformedXML']);

/**
 * The signed, single-use completion URL of a multipart upload: completes the upload in the
 * bucket, reads the object back through a sha256 and records the Blob. The URL's signature is the
 * only credential (the clients send none); the upload's state makes it single-use.
 */
@Injectable()
export class MultipartCompletionService {
  constructor(
    @Inject(HUB_CONFIG) private readonly config: ResolvedHubConfig,
    private readonly storage: ObjectStorage,
    private readonly uploads: UploadRepository,
    private readonly verifier: UploadVerifier,
  ) {}

  async complete(uploadId: string, token: string | undefined, body: MultipartCompleteDto): Promise<{ oid: string; size: number }> {
    const check = checkCompletionToken(this.config.jwt.secret, uploadId, token);
    if (check === 'invalid')
      throw HubException.forbidden('This completion URL is not valid: use the URL the batch API returned, unchanged', 'invalid_completion_token');
    if (check === 'expired') throw gone('This upload expired before it was completed: start it again through the batch API');
    const upload = await this.uploads.findById(uploadId);
    if (!upload?.multipartUploadId || !upload.partCount) throw HubException.notFound(`Upload ${uploadId} does not exist`, 'upload_not_found');
    if (upload.status === 'completed')
      throw HubException.conflict('This upload was already completed: a completion URL works once', 'upload_already_completed');
    if (upload.status !== 'pending')
      throw gone(`This upload was ${upload.status === 'failed' ? 'refused (its bytes did not match)' : 'aborted'}: start it again through the batch API`);
    if (isClaimLive(upload)) throw HubException.conflict('This upload is being completed by another request', 'upload_completion_in_progress');
    if (upload.expiresAt <= new Date()) throw gone('This upload expired before it was completed: start it again through the batch API');
    if (body.oid !== upload.sha256) {
      throw HubException.badRequest('oid_mismatch', `This completion URL is for object ${upload.sha256}, not ${body.oid}`);
    }
    const numbers = body.parts.map((p) => p.partNumber).sort((a, b) => a - b);
    if (numbers.length !== upload.partCount || numbers.some((n, i) => n !== i + 1) || body.parts.some((p) => !p.etag)) {
      throw HubException.badRequest('invalid_parts', `Expected parts 1 to ${upload.partCount}, each once, with the ETag its upload returned`);
    }

    const claimed = await this.uploads.claim(upload.id);
    if (!claimed) throw HubException.conflict('This upload was already completed: a completion URL works once', 'upload_already_completed');
    try {
      const parts = body.parts.map((p) => ({ partNumber: p.partNumber, etag: p.etag }));
      await this.uploads.keepClaimed(upload.id, () => this.storage.completeMultipart(upload.stagingKey, upload.multipartUploadId!, parts));
    } catch (err) {
      // A retry after a completion that succeeded in the bucket but failed afterwards here.
      const alreadyDone = (err as { name?: string }).name === 'NoSuchUpload' && (await this.storage.head(upload.stagingKey));
      if (!alreadyDone) {
        await this.uploads.release(upload.id);
        // Aborted in the storage (the housekeeping's sweep of uploads it has no record of).
        if ((err as { name?: string }).name === 'NoSuchUpload') throw gone('This upload no longer exists in the storage: start it again through the batch API');
        if (BAD_PARTS.has((err as { name?: string }).name ?? '')) {
          throw HubException.badRequest('invalid_parts', `The storage refused the part list: ${(err as Error).message}`);
        }
        throw err;
      }
    }
    await this.verifier.verifyClaimed(claimed);
    return { oid: upload.sha256, size: Number(upload.size) };
  }
}
