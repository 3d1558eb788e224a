import { Injectable, Logger } from '@nestjs/common';
import { JobQueueService } from '../jobs/job-queue.service';
import { gitBlobHash } from '../repo-history/git-oid';
import { ObjectStorage } from '../storage/object-storage';
import { BlobRepository, BlobWithoutGitOid } from './blob.repository';

export const GIT_OID_BACKFILL_JOB = 'blobs-backfill-git-oids';
const PAGE = 100;

/**
 * Git blob ids for the bytes of regular files stored before the hub computed them (migration
 * 20261201230052_blob_git_oid added the column; PostgreSQL has no sha1 without pgcrypto, and bucket
 * bytes must be read anyway). Enqueued at every start, run once by one replica, and cheap when
 * there is nothing left: it only reads blobs a regular file uses and whose id is still null.
 */
@Injectable()
export class BlobGitOidBackfill {
  private readonly logger = new Logger('BlobGitOidBackfill');

  constructor(
    private readonly jobs: JobQueueService,
    private readonly storage: ObjectStorage,
    private readonly blobs: BlobRepository,
  ) {}

  /** Called by BlobHousekeepingService's start-up: pg-boss deadlocks on queues created at once. */
  async start(): Promise<void> {
    await this.jobs.register(GIT_OID_BACKFILL_JOB, () => this.run(), { policy: 'singleton', retryLimit: 2, retryDelay: 60 });
    await this.jobs.send(GIT_OID_BACKFILL_JOB, {}, { singletonKey: GIT_OID_BACKFILL_JOB });
  }

  /** Fills every missing id; returns how many it filled. */
  async run(): Promise<{ filled: number }> {
    let filled = 0;
    for (let after = ''; ;) {
      const page = await this.blobs.withoutGitOid(PAGE, after);
      for (const blob of page) {
        await this.blobs.setGitOid(blob.sha256, await this.gitOidOf(blob));
        filled++;
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1].sha256;
    }
    if (filled) this.logger.log(`Computed the git blob ids of ${filled} stored blobs`);
    return { filled };
  }

  private async gitOidOf(blob: BlobWithoutGitOid): Promise<string> {
    const hash = gitBlobHash(blob.size);
    if (blob.inlineData) return hash.update(blob.inlineData).digest('hex');
    if (!blob.storageKey) throw new Error(`Blob ${blob.sha256} has neither an object key nor inline data`);
    const { body } = await this.storage.getStream(blob.storageKey);
    for await (const chunk of body) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }
}
