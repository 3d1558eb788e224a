import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';

export interface DownloadEventInput {
  modelId: string;
  path: string;
  commitId: string;
  blobSha256: string;
  userId: string | null;
  address: string | null;
  /** Set when the download counts (discovery's rules): at most once per file, `who` and UTC `day`. */
  counted?: { who: string; day: string };
}

@Injectable()
export class DownloadEventRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Records the event; a counted download that is the first of its file, `who` and day also adds
   * one to the model's downloads, its day's count and its trending score, in the same statement.
   */
  async record(e: DownloadEventInput): Promise<void> {
    const { counted, ...event } = e;
    if (!counted) {
      await this.prisma.downloadEvent.create({ data: event });
      return;
    }
    await this.prisma.$executeRaw`
      WITH event AS (
        INSERT INTO download_events (model_id, path, commit_id, blob_sha256, user_id, address)
        VALUES (${e.modelId}::uuid, ${e.path}, ${e.commitId}, ${e.blobSha256}, ${e.userId}::uuid, ${e.address})
      ),
      first AS (
        INSERT INTO counted_downloads (model_id, day, path, who) VALUES (${e.modelId}::uuid, ${counted.day}::date, ${e.path}, ${counted.who})
        ON CONFLICT DO NOTHING RETURNING model_id
      ),
      per_day AS (
        INSERT INTO model_download_days (model_id, day, downloads) SELECT model_id, ${counted.day}::date, 1 FROM first
        ON CONFLICT (model_id, day) DO UPDATE SET downloads = model_download_days.downloads + 1
      )
      UPDATE models SET downloads = downloads + 1, trending_score = trending_score + 1 WHERE id = (SELECT model_id FROM first)`;
  }
}
