import { Injectable } from '@nestjs/common';
import { Prisma } from '../../generated/prisma/client';
import { PrismaService } from '../../database/prisma.service';
import type { FileScan } from './file-scanners';

/** Where a blob's bytes are. */
export interface BlobLocation {
  sha256: string;
  size: number;
  storageKey: string | null;
  inline: boolean;
}

/** A file of a commit whose blob a scanner reads. */
export interface ScannableFile extends BlobLocation {
  path: string;
}

export interface StoredScan {
  blobSha256: string;
  scan: FileScan;
  scannerVersion: number;
  scannedAt: Date;
}

@Injectable()
export class BlobScanRepository {
  constructor(private readonly prisma: PrismaService) {}

  async find(shas: string[]): Promise<Map<string, StoredScan>> {
    if (!shas.length) return new Map();
    const rows = await this.prisma.blobScan.findMany({ where: { blobSha256: { in: [...new Set(shas)] } } });
    return new Map(
      rows.map((r) => [
        r.blobSha256,
        {
          blobSha256: r.blobSha256,
          scan: { kind: r.kind, verdict: r.verdict, details: r.details, ...(r.error ? { error: r.error } : {}) } as FileScan,
          scannerVersion: r.scannerVersion,
          scannedAt: r.scannedAt,
        },
      ]),
    );
  }

  async save(sha256: string, scan: FileScan, scannerVersion: number): Promise<void> {
    const data = {
      kind: scan.kind,
      verdict: scan.verdict,
      details: scan.details as unknown as Prisma.InputJsonObject,
      error: scan.error ?? null,
      scannerVersion,
      scannedAt: new Date(),
    };
    await this.prisma.blobScan.upsert({ where: { blobSha256: sha256 }, create: { blobSha256: sha256, ...data }, update: data });
  }

  async location(sha256: string): Promise<BlobLocation | null> {
    const rows = await this.prisma.$queryRaw<{ size: bigint; storage_key: string | null; inline: boolean }[]>`
      SELECT size, storage_key, inline_data IS NOT NULL AS inline FROM blobs WHERE sha256 = ${sha256}`;
    const b = rows[0];
    return b ? { sha256, size: Number(b.size), storageKey: b.storage_key, inline: b.inline } : null;
  }

  async readInline(sha256: string): Promise<Buffer | null> {
    const b = await this.prisma.blob.findUnique({ where: { sha256 }, select: { inlineData: true } });
    return b?.inlineData ? Buffer.from(b.inlineData) : null;
  }

  /** Files of the commit (every path, with where its bytes are). */
  async filesOf(commitId: string): Promise<ScannableFile[]> {
    const rows = await this.prisma.$queryRaw<{ path: string; sha256: string; size: bigint; storage_key: string | null; inline: boolean }[]>`
      SELECT f.path, f.blob_sha256 AS sha256, f.size, b.storage_key, b.inline_data IS NOT NULL AS inline
      FROM commit_files f JOIN blobs b ON b.sha256 = f.blob_sha256
      WHERE f.commit_id = ${commitId}
      ORDER BY f.path COLLATE "C"`;
    return rows.map((r) => ({ path: r.path, sha256: r.sha256, size: Number(r.size), storageKey: r.storage_key, inline: r.inline }));
  }

  async mainHead(modelId: string): Promise<string | null> {
    const b = await this.prisma.branch.findUnique({ where: { modelId_name: { modelId, name: 'main' } }, select: { commitId: true } });
    return b?.commitId ?? null;
  }

  /** Stores what the scans of `main` add up to on the model (its search row is re-stamped by the trigger). */
  async saveModelSummary(modelId: string, s: { parameters: number | null; safetensors: object | null; securityScan: object | null }): Promise<void> {
    await this.prisma.model.updateMany({
      where: { id: modelId },
      data: {
        parameters: s.parameters === null ? null : BigInt(s.parameters),
        safetensors: s.safetensors === null ? Prisma.DbNull : (s.safetensors as Prisma.InputJsonObject),
        securityScan: s.securityScan === null ? Prisma.DbNull : (s.securityScan as Prisma.InputJsonObject),
      },
    });
  }
}
