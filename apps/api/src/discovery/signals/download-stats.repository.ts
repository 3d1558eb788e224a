import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../database/prisma.service';

@Injectable()
export class DownloadStatsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Counted downloads per UTC day from `since` (YYYY-MM-DD) on; days without any are absent. */
  async perDay(modelId: string, since: string): Promise<Map<string, number>> {
    const rows = await this.prisma.$queryRaw<{ day: string; downloads: number }[]>`
      SELECT to_char(day, 'YYYY-MM-DD') AS day, downloads FROM model_download_days
      WHERE model_id = ${modelId}::uuid AND day >= ${since}::date ORDER BY day`;
    return new Map(rows.map((r) => [r.day, r.downloads]));
  }
}
