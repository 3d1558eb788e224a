import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';

export type UploadStatus = 'pending' | 'completed' | 'failed' | 'aborted';

/**
 * A client → storage upload. While `status` is `pending`, `completedAt` set means a hub process
 * has claimed the upload and is completing or verifying it right now; it renews the claim while
 * it works (`keepClaimed`), so a claim older than CLAIM_LEASE_MS is one whose process died.
 */
export interface UploadRecord {
  id: string;
  modelId: string;
  userId: string | null;
  sha256: string;
  size: bigint;
  stagingKey: string;
  multipartUploadId: string | null;
  partCount: number | null;
  status: UploadStatus;
  createdAt: Date;
  expiresAt: Date;
  completedAt: Date | null;
  streamedSha256: string | null;
  putGeneration: number;
  putsInFlight: number;
}

/** A single PUT the storage gateway hashes as it passes (see beginStreamedPut). */
export interface StreamedPut {
  uploadId: string;
  size: bigint;
  generation: number;
  /** No other PUT of this staging object was running when this one started. */
  alone: boolean;
}

/** How long a claim holds without renewal: a hub killed while verifying an upload blocks it no longer than this. */
export const CLAIM_LEASE_MS = 30_000;

/** Whether a hub process holds the claim on `upload` now (a lapsed claim is a crashed one). */
export const isClaimLive = (upload: Pick<UploadRecord, 'completedAt'>): boolean =>
  !!upload.completedAt && Date.now() - upload.completedAt.getTime() < CLAIM_LEASE_MS;

/** The `uploads` table. */
@Injectable()
export class UploadRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(
    data: Pick<UploadRecord, 'id' | 'modelId' | 'userId' | 'sha256' | 'size' | 'stagingKey' | 'expiresAt'> &
      Partial<Pick<UploadRecord, 'multipartUploadId' | 'partCount' | 'status' | 'streamedSha256'>>,
  ): Promise<UploadRecord> {
    return this.prisma.upload.create({
      data: { ...data, completedAt: data.status === 'completed' ? new Date() : null },
    });
  }

  findById(id: string): Promise<UploadRecord | null> {
    return this.prisma.upload.findUnique({ where: { id } });
  }

  /** Unexpired pending uploads of these bytes to this model (claimed or not), newest first. */
  findPending(sha256: string, modelId: string, userId?: string, take = 5): Promise<UploadRecord[]> {
    return this.prisma.upload.findMany({
      where: { sha256, modelId, userId, status: 'pending', expiresAt: { gt: new Date() } },
      orderBy: { createdAt: 'desc' },
      take,
    });
  }

  /** Whether these bytes were ever verified (or vouched for) as an upload to this model. */
  async hasCompleted(sha256: string, modelId: string): Promise<boolean> {
    return (await this.prisma.upload.count({ where: { sha256, modelId, status: 'completed' }, take: 1 })) > 0;
  }

  /** Whether this user's own upload of these bytes to this model was verified (proof they hold the bytes). */
  async hasCompletedBy(sha256: string, modelId: string, userId: string): Promise<boolean> {
    return (await this.prisma.upload.count({ where: { sha256, modelId, userId, status: 'completed' }, take: 1 })) > 0;
  }

  /**
   * Claims a pending, unexpired upload for completion or verification: exactly one caller gets
   * the record, every concurrent or later one gets null while the claim is live.
   */
  async claim(id: string): Promise<UploadRecord | null> {
    const now = new Date();
    const lapsed = new Date(now.getTime() - CLAIM_LEASE_MS);
    const n = await this.prisma.upload.updateMany({
      where: { id, status: 'pending', expiresAt: { gt: now }, OR: [{ completedAt: null }, { completedAt: { lt: lapsed } }] },
      data: { completedAt: now },
    });
    return n.count === 1 ? this.findById(id) : null;
  }

  /** Runs `work` on a claimed upload, renewing the claim until it is done. */
  async keepClaimed<T>(id: string, work: () => Promise<T>): Promise<T> {
    const renew = () => this.prisma.upload.updateMany({ where: { id, status: 'pending' }, data: { completedAt: new Date() } });
    const timer = setInterval(() => void renew().catch(() => undefined), CLAIM_LEASE_MS / 3);
    timer.unref();
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  }

  /** Gives a claim back after an unexpected failure, so that the client may retry. */
  async release(id: string): Promise<void> {
    await this.prisma.upload.updateMany({ where: { id, status: 'pending' }, data: { completedAt: null } });
  }

  async finish(id: string, status: Exclude<UploadStatus, 'pending'>): Promise<void> {
    await this.prisma.upload.update({ where: { id }, data: { status, completedAt: status === 'completed' ? new Date() : undefined } });
  }

  /**
   * Starts a PUT of a single upload's staging object through the storage gateway: forgets any
   * hash recorded before (these bytes replace those), and counts the PUT. Null when the key is
   * no single upload; 'closed' when the upload is no longer pending or is being verified now
   * (its bytes must not change under the verifier).
   */
  async beginStreamedPut(stagingKey: string): Promise<StreamedPut | 'closed' | null> {
    const lapsed = new Date(Date.now() - CLAIM_LEASE_MS);
    const rows = await this.prisma.$queryRaw<{ id: string; size: bigint; put_generation: number; puts_in_flight: number }[]>`
      UPDATE uploads SET put_generation = put_generation + 1, puts_in_flight = puts_in_flight + 1, streamed_sha256 = NULL
      WHERE staging_key = ${stagingKey} AND multipart_upload_id IS NULL AND status = 'pending' AND expires_at > now()
        AND (completed_at IS NULL OR completed_at < ${lapsed})
      RETURNING id, size, put_generation, puts_in_flight`;
    if (rows[0]) return { uploadId: rows[0].id, size: rows[0].size, generation: rows[0].put_generation, alone: rows[0].puts_in_flight === 1 };
    const exists = await this.prisma.upload.count({ where: { stagingKey, multipartUploadId: null } });
    return exists ? 'closed' : null;
  }

  /**
   * Ends a streamed PUT. `sha256` (the hash of exactly the upload's size in bytes, stored) is
   * recorded only when the PUT ran alone from start to end, so a recorded hash is always the hash
   * of the staged object's bytes.
   */
  async endStreamedPut(put: StreamedPut, sha256: string | null): Promise<void> {
    const record = put.alone ? sha256 : null;
    await this.prisma.$executeRaw`
      UPDATE uploads SET puts_in_flight = puts_in_flight - 1,
        streamed_sha256 = CASE WHEN put_generation = ${put.generation} THEN ${record}::text ELSE streamed_sha256 END
      WHERE id = ${put.uploadId}::uuid`;
  }

  /** Pending uploads whose time is up (claimed or not). */
  findExpiredPending(now: Date, take: number): Promise<UploadRecord[]> {
    return this.prisma.upload.findMany({ where: { status: 'pending', expiresAt: { lte: now } }, orderBy: { expiresAt: 'asc' }, take });
  }

  /** Marks an expired upload aborted, unless something finished it meanwhile. */
  async abortIfPending(id: string): Promise<boolean> {
    const n = await this.prisma.upload.updateMany({ where: { id, status: 'pending' }, data: { status: 'aborted' } });
    return n.count === 1;
  }

  /** The multipart upload ids the hub still tracks as pending (the rest are strays). */
  async pendingMultipartIds(ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows = await this.prisma.upload.findMany({ where: { multipartUploadId: { in: ids }, status: 'pending' }, select: { multipartUploadId: true } });
    return new Set(rows.map((r) => r.multipartUploadId!));
  }
}
