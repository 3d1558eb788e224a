import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';

export interface DownloadEventInput {
  modelId: string;
  path: string;
  commitId: string;
  blobSha256: string;
  userId: string | null;
  address: string | null;
}

@Injectable()
export class DownloadEventRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Records the event and counts it on the model, together. */
  async record(e: DownloadEventInput): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.downloadEvent.create({ data: e }),
      this.prisma.$executeRaw`UPDATE models SET downloads = downloads + 1 WHERE id = ${e.modelId}::uuid`,
    ]);
  }
}
