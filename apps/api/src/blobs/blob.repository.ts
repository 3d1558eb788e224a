import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../database/prisma.service';

/** A stored blob, without its inline bytes. */
export interface BlobRecord {
  sha256: string;
  size: bigint;
  storageKey: string | null;
  inline: boolean;
  createdAt: Date;
}

/** A blob to store; `gitOid` when the hub has the bytes (see git-oid.ts). */
export interface NewBlob {
  sha256: string;
  size: bigint;
  storageKey: string | null;
  inlineData: Buffer | null;
  gitOid?: string;
}

/** A blob some regular (non-LFS) file uses whose git blob id is not known yet. */
export interface BlobWithoutGitOid {
  sha256: string;
  size: bigint;
  storageKey: string | null;
  inlineData: Buffer | null;
}

/** A blob and the newest file of one model holding it. */
export interface BlobInModel extends BlobRecord {
  path: string;
  commitId: string;
}

type BlobRow = { sha256: string; size: bigint; storage_key: string | null; inline: boolean; created_at: Date };
const toBlob = (r: BlobRow): BlobRecord => ({ sha256: r.sha256, size: BigInt(r.size), storageKey: r.storage_key, inline: r.inline, createdAt: r.created_at });

/**
 * A dedupe younger than this does not rewrite `created_at` (see `insertOrTouch`): popular bytes
 * would otherwise cost a row update on every commit that names them.
 */
const TOUCH_AFTER = '1 hour';
const TOUCH_OR_KEEP = Prisma.sql`created_at = CASE WHEN blobs.created_at < now() - ${TOUCH_AFTER}::interval THEN now() ELSE blobs.created_at END`;

/** Blob writes done while holding the blob's lock (see `BlobRepository.withLock`). */
export class LockedBlobWriter {
  constructor(private readonly tx: Prisma.TransactionClient) {}

  async find(sha256: string): Promise<BlobRecord | null> {
    const rows = await this.tx.$queryRaw<BlobRow[]>`
      SELECT sha256, size, storage_key, inline_data IS NOT NULL AS inline, created_at FROM blobs WHERE sha256 = ${sha256}`;
    return rows[0] ? toBlob(rows[0]) : null;
  }

  async touch(sha256: string): Promise<void> {
    await touch(this.tx, sha256);
  }

  /** See BlobRepository.insertOrTouch. */
  insertOrTouch(blob: NewBlob): Promise<BlobRecord> {
    return insertOrTouch(this.tx, blob);
  }

  /**
   * Deletes the row if no commit references it and it is older than `cutoff`; returns what was
   * deleted. The commit_files foreign key (ON DELETE RESTRICT) backs the NOT EXISTS up against a
   * commit racing this statement.
   */
  async deleteIfUnreferenced(sha256: string, cutoff: Date): Promise<BlobRecord | null> {
    const rows = await this.tx.$queryRaw<BlobRow[]>`
      DELETE FROM blobs b
      WHERE b.sha256 = ${sha256} AND b.created_at < ${cutoff}
        AND NOT EXISTS (SELECT 1 FROM commit_files cf WHERE cf.blob_sha256 = b.sha256)
      RETURNING b.sha256, b.size, b.storage_key, b.inline_data IS NOT NULL AS inline, b.created_at`;
    return rows[0] ? toBlob(rows[0]) : null;
  }
}

/**
 * Inserts the blob, or, when the bytes are already known, refreshes `created_at` so that garbage
 * collection's grace period starts again: the caller is about to reference them. Returns the row
 * as stored (which may be the earlier one, e.g. in the bucket rather than inline).
 */
async function insertOrTouch(db: Prisma.TransactionClient | PrismaService, blob: NewBlob): Promise<BlobRecord> {
  // Known bytes keep their row; a git id learnt now (bytes first seen through LFS) is kept too.
  await db.$executeRaw`
    INSERT INTO blobs (sha256, size, storage_key, inline_data, git_oid, created_at)
    VALUES (${blob.sha256}, ${blob.size}, ${blob.storageKey}, ${blob.inlineData}, ${blob.gitOid ?? null}, now())
    ON CONFLICT (sha256) DO UPDATE SET ${TOUCH_OR_KEEP}, git_oid = COALESCE(blobs.git_oid, EXCLUDED.git_oid)
      WHERE blobs.created_at < now() - ${TOUCH_AFTER}::interval OR (blobs.git_oid IS NULL AND EXCLUDED.git_oid IS NOT NULL)`;
  const rows = await db.$queryRaw<BlobRow[]>`
    SELECT sha256, size, storage_key, inline_data IS NOT NULL AS inline, created_at FROM blobs WHERE sha256 = ${blob.sha256}`;
  if (!rows[0]) throw new Error(`Blob ${blob.sha256} vanished right after it was stored`);
  return toBlob(rows[0]);
}

async function touch(db: Prisma.TransactionClient | PrismaService, sha256: string): Promise<void> {
  await db.$executeRaw`
    UPDATE blobs SET created_at = now() WHERE sha256 = ${sha256} AND created_at < now() - ${TOUCH_AFTER}::interval`;
}

/** The `blobs` table: content-addressed bytes, inline or in the bucket. */
@Injectable()
export class BlobRepository {
  constructor(private readonly prisma: PrismaService) {}

  async find(sha256: string): Promise<BlobRecord | null> {
    const rows = await this.prisma.$queryRaw<BlobRow[]>`
      SELECT sha256, size, storage_key, inline_data IS NOT NULL AS inline, created_at FROM blobs WHERE sha256 = ${sha256}`;
    return rows[0] ? toBlob(rows[0]) : null;
  }

  async readInline(sha256: string): Promise<Buffer | null> {
    const row = await this.prisma.blob.findUnique({ where: { sha256 }, select: { inlineData: true } });
    return row?.inlineData ? Buffer.from(row.inlineData) : null;
  }

  /** For inline blobs, whose row is all there is: no lock needed. */
  insertOrTouch(blob: NewBlob): Promise<BlobRecord> {
    return insertOrTouch(this.prisma, blob);
  }

  /**
   * insertOrTouch for many inline blobs in one statement (distinct sha256s): a commit of 10,000
   * small files would otherwise spend most of its time on round trips. Returns every row as stored.
   */
  async insertOrTouchInlineMany(blobs: { sha256: string; data: Buffer; gitOid: string }[]): Promise<BlobRecord[]> {
    if (!blobs.length) return [];
    const shas = blobs.map((b) => b.sha256);
    await this.prisma.$executeRaw`
      INSERT INTO blobs (sha256, size, storage_key, inline_data, git_oid, created_at)
      SELECT t.sha256, length(t.data), NULL, t.data, t.git_oid, now()
      FROM unnest(${shas}::text[], ${blobs.map((b) => b.data)}::bytea[], ${blobs.map((b) => b.gitOid)}::text[]) AS t(sha256, data, git_oid)
      ON CONFLICT (sha256) DO UPDATE SET ${TOUCH_OR_KEEP}, git_oid = COALESCE(blobs.git_oid, EXCLUDED.git_oid)
        WHERE blobs.created_at < now() - ${TOUCH_AFTER}::interval OR blobs.git_oid IS NULL`;
    const rows = await this.prisma.$queryRaw<BlobRow[]>`
      SELECT sha256, size, storage_key, inline_data IS NOT NULL AS inline, created_at FROM blobs WHERE sha256 = ANY(${shas}::text[])`;
    return rows.map(toBlob);
  }

  /** Blobs of regular files stored before git ids were (migration 20261201230052), a page at a time. */
  async withoutGitOid(take: number, after = ''): Promise<BlobWithoutGitOid[]> {
    const rows = await this.prisma.$queryRaw<{ sha256: string; size: bigint; storage_key: string | null; inline_data: Uint8Array | null }[]>`
      SELECT b.sha256, b.size, b.storage_key, b.inline_data FROM blobs b
      WHERE b.git_oid IS NULL AND b.sha256 > ${after}
        AND EXISTS (SELECT 1 FROM commit_files cf WHERE cf.blob_sha256 = b.sha256 AND NOT cf.lfs)
      ORDER BY b.sha256 LIMIT ${take}`;
    return rows.map((r) => ({
      sha256: r.sha256,
      size: BigInt(r.size),
      storageKey: r.storage_key,
      inlineData: r.inline_data ? Buffer.from(r.inline_data) : null,
    }));
  }

  async setGitOid(sha256: string, gitOid: string): Promise<void> {
    await this.prisma.$executeRaw`UPDATE blobs SET git_oid = ${gitOid} WHERE sha256 = ${sha256} AND git_oid IS NULL`;
  }

  /** Restarts the garbage-collection grace period of bytes about to be referenced. */
  async touch(sha256: string): Promise<void> {
    await touch(this.prisma, sha256);
  }

  /**
   * Runs `work` in a transaction holding a lock on this sha256 (an advisory lock, so it works
   * before the row exists). Storing bytes in the bucket and collecting them take it, so garbage
   * collection never deletes an object that a concurrent upload has just decided to reuse.
   */
  withLock<T>(sha256: string, work: (writer: LockedBlobWriter) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${'blob:' + sha256}, 0))`;
        return work(new LockedBlobWriter(tx));
      },
      // Copying a very large object inside the bucket can take minutes.
      { maxWait: 30_000, timeout: 60 * 60_000 },
    );
  }

  /** Whether a commit of this model (any branch, any point in history) holds these bytes. */
  async isReferencedByModel(sha256: string, modelId: string): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<{ found: boolean }[]>`
      SELECT EXISTS (
        SELECT 1 FROM commit_files cf JOIN commits c ON c.id = cf.commit_id
        WHERE cf.blob_sha256 = ${sha256} AND c.model_id = ${modelId}::uuid
      ) AS found`;
    return Boolean(rows[0]?.found);
  }

  /**
   * Of these blobs, the ones a commit of this model holds, each with the newest file holding it
   * (what a git-lfs download names in the licence audit log, which records files, not hashes).
   */
  async filesInModel(shas: string[], modelId: string): Promise<Map<string, BlobInModel>> {
    if (!shas.length) return new Map();
    const rows = await this.prisma.$queryRaw<(BlobRow & { path: string; commit_id: string })[]>`
      SELECT DISTINCT ON (b.sha256) b.sha256, b.size, b.storage_key, b.inline_data IS NOT NULL AS inline, b.created_at, cf.path, c.id AS commit_id
      FROM commit_files cf JOIN commits c ON c.id = cf.commit_id JOIN blobs b ON b.sha256 = cf.blob_sha256
      WHERE cf.blob_sha256 = ANY(${shas}::text[]) AND c.model_id = ${modelId}::uuid
      ORDER BY b.sha256, c.created_at DESC, cf.path`;
    return new Map(rows.map((r) => [r.sha256, { ...toBlob(r), path: r.path, commitId: r.commit_id }]));
  }

  /** Up to `limit` models whose commits hold these bytes. */
  async modelsReferencing(sha256: string, limit: number): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ model_id: string }[]>`
      SELECT DISTINCT c.model_id::text AS model_id FROM commit_files cf JOIN commits c ON c.id = cf.commit_id
      WHERE cf.blob_sha256 = ${sha256} LIMIT ${limit}`;
    return rows.map((r) => r.model_id);
  }

  /** Blobs older than `cutoff` that no commit references: candidates for garbage collection. */
  async findUnreferenced(cutoff: Date, limit: number): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ sha256: string }[]>`
      SELECT b.sha256 FROM blobs b
      WHERE b.created_at < ${cutoff}
        AND NOT EXISTS (SELECT 1 FROM commit_files cf WHERE cf.blob_sha256 = b.sha256)
      ORDER BY b.created_at LIMIT ${limit}`;
    return rows.map((r) => r.sha256);
  }
}
