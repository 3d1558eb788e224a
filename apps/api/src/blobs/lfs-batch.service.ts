import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Principal } from '../common/auth/principal';
import { HubException } from '../common/hub-exception';
import { mapLimit } from '../common/map-limit';
import { HUB_CONFIG, ResolvedHubConfig } from '../config/hub-config';
import { HubLinks } from '../links/hub-links.service';
import type { DownloadRoute, ServedFile } from '../models/download-grant.port';
import { ModelAccessService } from '../models/model-access.service';
import { ProposalAccessService } from '../models/proposal-access.service';
import { ModelRecord, ModelRepository } from '../models/model.repository';
import { ObjectStorage } from '../storage/object-storage';
import { SHA256_HEX, stagingKey } from './blob-keys';
import { BlobInModel, BlobRepository } from './blob.repository';
import { BlobService } from './blob.service';
import { LfsBatchDto } from './dto/lfs-batch.dto';
import { LfsVerifyDto } from './dto/lfs-verify.dto';
import { isClaimLive, UploadRecord, UploadRepository } from './upload.repository';
import { signCompletionToken } from './completion-token';
import type { RepoKind } from '../models/repo-kind';
import { repoWebPath } from '../models/repo-kind';

export interface LfsAction {
  href: string;
  header?: Record<string, string>;
  expires_in?: number;
}

export interface LfsObjectResult {
  oid: string;
  size: number;
  authenticated?: boolean;
  actions?: { upload?: LfsAction; verify?: LfsAction; download?: LfsAction };
  error?: { code: number; message: string };
}

export interface LfsBatchResponse {
  transfer: 'basic' | 'multipart';
  objects: LfsObjectResult[];
  hash_algo: 'sha256';
}

/** S3 limits: one PUT carries at most 5 GiB; a multipart upload has at most 10,000 parts. */
const MAX_SINGLE_PUT_BYTES = 5 * 1024 ** 3;
const MAX_PARTS = 10_000;
const MiB = 1024 * 1024;
/** SigV4 presigned URLs live at most 7 days. */
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;
/** Objects of one batch planned at once: hides round trips, leaves pool connections to others. */
const OBJECTS_IN_FLIGHT = 4;
/** Other models holding the bytes checked for "already stored" before handing out an upload anyway. */
const MAX_MODELS_CHECKED = 20;

/**
 * The git-lfs batch API as the Hugging Face clients speak it: `basic` single PUTs with a
 * `verify` action, and Hugging Face's `multipart` transfer (presigned part URLs plus a signed
 * completion URL). Bytes go client → bucket directly; nothing becomes a Blob before the hub has
 * read it back. Never answers `xet`.
 */
@Injectable()
export class LfsBatchService {
  constructor(
    @Inject(HUB_CONFIG) private readonly config: ResolvedHubConfig,
    private readonly links: HubLinks,
    private readonly access: ModelAccessService,
    private readonly models: ModelRepository,
    private readonly storage: ObjectStorage,
    private readonly blobs: BlobRepository,
    private readonly uploads: UploadRepository,
    private readonly blobService: BlobService,
    private readonly proposals: ProposalAccessService,
  ) {}

  async batch(
    principal: Principal | undefined,
    namespace: string,
    name: string,
    kind: RepoKind,
    req: LfsBatchDto,
    authorization?: string,
  ): Promise<LfsBatchResponse> {
    if (req.hash_algo !== undefined && req.hash_algo !== 'sha256' && req.hash_algo !== 'sha_256') {
      // The git-lfs batch API answers 409 for a hash algorithm the server does not support.
      throw HubException.conflict(`Unsupported hash_algo '${req.hash_algo}': this hub names objects by sha256`, 'unsupported_hash_algo');
    }
    const model = await this.access.findReadable(principal, namespace, name, kind);
    const transfers = req.transfers ?? ['basic'];
    if (!transfers.includes('basic') && !transfers.includes('multipart')) {
      throw new HubException(
        HttpStatus.UNPROCESSABLE_ENTITY,
        'unsupported_transfer',
        `None of the transfers ${transfers.join(', ')} is supported: this hub offers basic and multipart`,
      );
    }
    let objects: LfsObjectResult[];
    if (req.operation === 'upload') {
      const mayReuseModelBytes = await this.assertMayUpload(principal, model);
      objects = await mapLimit(req.objects, OBJECTS_IN_FLIGHT, (raw) =>
        this.planUpload(principal!, model, raw, transfers.includes('multipart'), mayReuseModelBytes, authorization),
      );
    } else {
      objects = await this.planDownloads(principal, model, req.objects, authorization);
    }
    const usedMultipart = objects.some((o) => o.actions?.upload?.header?.chunk_size);
    return { transfer: usedMultipart ? 'multipart' : 'basic', objects, hash_algo: 'sha256' };
  }

  /** The `verify` action: checks a single-PUT upload now (a commit naming it would otherwise). */
  async verify(principal: Principal, namespace: string, name: string, kind: RepoKind, body: LfsVerifyDto): Promise<{ oid: string; size: number }> {
    const model = await this.access.findReadable(principal, namespace, name, kind);
    await this.assertMayUpload(principal, model);
    await this.blobService.requireStored(body.oid, BigInt(body.size), { modelId: model.id, userId: principal.userId });
    return { oid: body.oid, size: body.size };
  }

  /** The bytes of an object, for download actions of inline blobs (which have no bucket URL). */
  async objectForDownload(
    principal: Principal | undefined,
    namespace: string,
    name: string,
    kind: RepoKind,
    oid: string,
  ): Promise<{ inline: Buffer } | { redirect: string }> {
    const model = await this.access.findReadable(principal, namespace, name, kind);
    const { permit, value: blob } = await this.access.authorizeDownload(principal, model, async () => {
      const blob = SHA256_HEX.test(oid) ? (await this.blobs.filesInModel([oid], model.id)).get(oid) : undefined;
      if (!blob) throw HubException.notFound(`Object ${oid} does not exist in ${model.fullName}`, 'object_not_found');
      return { files: [servedBlob(blob, 'lfs-object')], value: blob };
    });
    if (blob.storageKey) return { redirect: await this.blobService.presignDownload(permit, blob) };
    return { inline: await this.blobService.readInline(permit, oid) };
  }

  /**
   * Members with `write` upload; so does anyone who may propose a change (huggingface_hub and
   * @huggingface/hub upload a pull request's objects before it exists, naming no ref): staged
   * bytes are only the uploader's until a commit that passes its own checks names them. Returns
   * whether the caller may skip uploading bytes the model already holds (they may download it).
   */
  private async assertMayUpload(principal: Principal | undefined, model: ModelRecord): Promise<boolean> {
    if (principal && (await this.access.isMember(principal, model))) {
      await this.access.assertCanWrite(principal, model);
      return true;
    }
    await this.proposals.assertMayPropose(principal, model);
    return this.proposals.mayReuseModelBytes(principal!, model);
  }

  private async planUpload(
    principal: Principal,
    model: ModelRecord,
    raw: unknown,
    multipartOk: boolean,
    mayReuseModelBytes: boolean,
    authorization?: string,
  ): Promise<LfsObjectResult> {
    const checked = this.checkObject(raw);
    if ('error' in checked) return checked;
    const { oid, size } = checked;
    if (size > this.config.blobs.maxFileBytes) {
      return objectError(
        oid,
        size,
        422,
        `Object ${oid} is ${size} bytes, more than this hub's file size limit of ${this.config.blobs.maxFileBytes} bytes (MAX_FILE_SIZE)`,
      );
    }
    if (await this.alreadyAvailable(principal, model, oid, size, mayReuseModelBytes)) return { oid, size, authenticated: true };
    const useMultipart = multipartOk && size > this.config.blobs.multipartThresholdBytes;
    const chunkSize = this.chunkSizeFor(size);
    const partCount = Math.ceil(size / chunkSize);
    const resumed = useMultipart ? await this.ownUnfinishedUpload(principal, model, oid, size, partCount) : null;
    if (resumed) return this.multipartAnswer(model, resumed, chunkSize);

    const id = randomUUID();
    const key = stagingKey(model.id, id);
    const expiresAt = new Date(Date.now() + this.config.blobs.uploadExpiryHours * 3600_000);
    if (!useMultipart && size > MAX_SINGLE_PUT_BYTES) {
      return objectError(oid, size, 422, `Object ${oid} is larger than 5 GiB: upload it with the multipart transfer`);
    }
    if (!useMultipart) {
      // A storage that checks the signed sha256 itself proves the bytes: recorded, so nothing reads them back.
      const checksum = this.storage.checksumHeaders(oid);
      await this.uploads.create({
        id,
        modelId: model.id,
        userId: principal.userId,
        sha256: oid,
        size: BigInt(size),
        stagingKey: key,
        expiresAt,
        streamedSha256: checksum ? oid : null,
      });
      const ttl = this.config.presignedUrlTtlSeconds;
      const href = await this.storage.presignPut(key, { expiresIn: ttl, contentLength: size, sha256: checksum ? oid : undefined });
      return {
        oid,
        size,
        authenticated: true,
        actions: {
          upload: { href, ...(checksum ? { header: checksum } : {}), expires_in: ttl },
          verify: {
            href: `${this.repoUrl(model)}.git/info/lfs/objects/verify`,
            // Python's huggingface_hub sends its own token; git-lfs sends these headers.
            ...(authorization ? { header: { Authorization: authorization } } : {}),
            expires_in: ttl,
          },
        },
      };
    }

    const multipartUploadId = await this.storage.createMultipart(key, { partSize: chunkSize });
    try {
      await this.uploads.create({
        id,
        modelId: model.id,
        userId: principal.userId,
        sha256: oid,
        size: BigInt(size),
        stagingKey: key,
        multipartUploadId,
        partCount,
        expiresAt,
      });
    } catch (err) {
      await this.storage.abortMultipart(key, multipartUploadId).catch(() => undefined);
      throw err;
    }
    return this.multipartAnswer(model, { id, stagingKey: key, multipartUploadId, partCount, expiresAt, sha256: oid, size: BigInt(size) }, chunkSize);
  }

  /**
   * The caller's own pending multipart upload of these bytes to this model, with the part count
   * a new one would get: answered again (same upload id, parts and completion URL), so a client
   * that lost a part sends only what is missing. Never another user's upload, nor one being completed.
   */
  private async ownUnfinishedUpload(principal: Principal, model: ModelRecord, oid: string, size: number, partCount: number): Promise<UploadRecord | null> {
    const pending = await this.uploads.findPending(oid, model.id, principal.userId);
    return pending.find((u) => u.multipartUploadId && u.partCount === partCount && u.size === BigInt(size) && !isClaimLive(u)) ?? null;
  }

  /** A multipart upload's action: presigned part URLs (as `00001`...) and the signed completion URL. */
  private async multipartAnswer(
    model: ModelRecord,
    upload: Pick<UploadRecord, 'id' | 'stagingKey' | 'multipartUploadId' | 'partCount' | 'expiresAt' | 'sha256' | 'size'>,
    chunkSize: number,
  ): Promise<LfsObjectResult> {
    const size = Number(upload.size);
    // Parts are uploaded one after another over what can be hours: their URLs live as long as the upload.
    const partTtl = Math.min(this.config.blobs.uploadExpiryHours * 3600, MAX_PRESIGN_SECONDS);
    const header: Record<string, string> = { chunk_size: String(chunkSize) };
    const numbers = Array.from({ length: upload.partCount! }, (_, i) => i + 1);
    const urls = await this.storage.presignUploadParts(upload.stagingKey, upload.multipartUploadId!, numbers, { expiresIn: partTtl });
    numbers.forEach((n, i) => (header[String(n).padStart(5, '0')] = urls[i]));
    const token = signCompletionToken(this.config.jwt.secret, upload.id, upload.expiresAt);
    return {
      oid: upload.sha256,
      size,
      authenticated: true,
      actions: {
        upload: {
          href: `${this.links.origin()}/api/blobs/uploads/${upload.id}/complete?token=${encodeURIComponent(token)}`,
          header,
          expires_in: Math.floor((upload.expiresAt.getTime() - Date.now()) / 1000),
        },
      },
    };
  }

  /**
   * Download actions, under one download decision for the whole batch (refused as a whole, 401/403
   * `GatedRepo`). Objects in the bucket get presigned URLs, confirmed and audited here; inline
   * objects get the hub's own object URL, which decides again when it serves the bytes.
   */
  private async planDownloads(principal: Principal | undefined, model: ModelRecord, raws: unknown[], authorization?: string): Promise<LfsObjectResult[]> {
    const {
      permit,
      value: { checked, found },
    } = await this.access.authorizeDownload(principal, model, async () => {
      const checked = raws.map((raw) => this.checkObject(raw));
      const wanted = checked.filter((c): c is { oid: string; size: number } => !('error' in c));
      const found = await this.blobs.filesInModel([...new Set(wanted.map((c) => c.oid))], model.id);
      const served = wanted.filter((c) => found.get(c.oid)?.storageKey && found.get(c.oid)!.size === BigInt(c.size)).map((c) => found.get(c.oid)!);
      return { files: [...new Set(served)].map((blob) => servedBlob(blob, 'lfs-batch')), value: { checked, found } };
    });
    const ttl = this.config.presignedUrlTtlSeconds;
    return mapLimit(checked, OBJECTS_IN_FLIGHT, async (c): Promise<LfsObjectResult> => {
      if ('error' in c) return c;
      const { oid, size } = c;
      const blob = found.get(oid);
      if (!blob || blob.size !== BigInt(size)) return objectError(oid, size, 404, `Object ${oid} does not exist in ${model.fullName}`);
      const href = blob.storageKey ? await this.blobService.presignDownload(permit, blob) : `${this.repoUrl(model)}.git/info/lfs/objects/${oid}`;
      const header = !blob.storageKey && authorization ? { Authorization: authorization } : undefined;
      return { oid, size, authenticated: true, actions: { download: { href, ...(header ? { header } : {}), expires_in: ttl } } };
    });
  }

  /**
   * Whether the upload can be skipped: the bytes are stored and this caller may already have
   * them, because this model holds them (or they were uploaded to it), or because the caller
   * may download another model that holds them. In the last case the upload is recorded as
   * vouched for, so that the commit naming the bytes passes `requireStored`. Anyone else
   * uploads: knowing a hash neither gives access to bytes nor reveals that they exist.
   */
  private async alreadyAvailable(principal: Principal, model: ModelRecord, oid: string, size: number, mayReuseModelBytes: boolean): Promise<boolean> {
    const blob = await this.blobs.find(oid);
    if (!blob || blob.size !== BigInt(size)) return false;
    if (!mayReuseModelBytes) {
      // A proposer to a model they may not download (gated): the model's own bytes are not theirs to name.
      if (await this.uploads.hasCompletedBy(oid, model.id, principal.userId)) return true;
    } else if ((await this.blobs.isReferencedByModel(oid, model.id)) || (await this.uploads.hasCompleted(oid, model.id))) return true;
    for (const modelId of await this.blobs.modelsReferencing(oid, MAX_MODELS_CHECKED)) {
      const other = modelId === model.id ? null : await this.models.findById(modelId);
      if (!other || !(await this.mayReuse(principal, other, oid))) continue;
      const id = randomUUID();
      await this.uploads.create({
        id,
        modelId: model.id,
        userId: principal.userId,
        sha256: oid,
        size: blob.size,
        // Nothing is ever staged here: the bytes were already stored.
        stagingKey: stagingKey(model.id, id),
        status: 'completed',
        expiresAt: new Date(),
      });
      return true;
    }
    return false;
  }

  /** Whether the caller may download these bytes from `model`: the full decision, confirmed and audited (as `lfs-reuse`). */
  private async mayReuse(principal: Principal, model: ModelRecord, oid: string): Promise<boolean> {
    try {
      await this.access.authorizeDownload(principal, model, async () => {
        const blob = (await this.blobs.filesInModel([oid], model.id)).get(oid);
        return { files: blob ? [servedBlob(blob, 'lfs-reuse')] : [], value: null };
      });
      return true;
    } catch (err) {
      if (err instanceof HubException && err.getStatus() < 500) return false;
      throw err;
    }
  }

  /** A part size that keeps the upload within S3's 10,000 parts, in whole MiB. */
  private chunkSizeFor(size: number): number {
    const needed = Math.max(this.config.blobs.multipartChunkBytes, Math.ceil(size / MAX_PARTS));
    return Math.ceil(needed / MiB) * MiB;
  }

  private checkObject(raw: unknown): { oid: string; size: number } | LfsObjectResult {
    const o = (raw ?? {}) as { oid?: unknown; size?: unknown };
    const oid = typeof o.oid === 'string' ? o.oid : String(o.oid ?? '');
    const size = typeof o.size === 'number' && Number.isSafeInteger(o.size) && o.size >= 0 ? o.size : -1;
    if (!SHA256_HEX.test(oid))
      return objectError(oid, Math.max(size, 0), 422, `Invalid object id '${oid.slice(0, 100)}': expected a sha256 of 64 lower-case hexadecimal characters`);
    if (size < 0) return objectError(oid, 0, 422, `Invalid size for object ${oid}: expected a whole number of bytes >= 0`);
    return { oid, size };
  }

  private repoUrl(model: ModelRecord): string {
    return `${this.links.origin()}${repoWebPath(model.kind, model.fullName)}`;
  }
}

/** A git-lfs download as the audit log records it: the newest file holding the bytes, at its commit. */
const servedBlob = (blob: BlobInModel, route: DownloadRoute): ServedFile => ({
  method: 'GET',
  path: blob.path,
  revision: blob.commitId,
  commitId: blob.commitId,
  blobSha256: blob.sha256,
  route,
  issuesUrl: blob.storageKey !== null,
});

const objectError = (oid: string, size: number, code: number, message: string): LfsObjectResult => ({ oid, size, error: { code, message } });
