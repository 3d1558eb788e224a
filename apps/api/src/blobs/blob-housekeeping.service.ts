import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { HubException } from '../common/hub-exception';
import { HUB_CONFIG, ResolvedHubConfig } from '../config/hub-config';
import { JobOutcome, JobQueueService } from '../jobs/job-queue.service';
import { ObjectStorage } from '../storage/object-storage';
import { STAGING_PREFIX } from './blob-keys';
import { BlobGitOidBackfill } from './blob-git-oid-backfill.service';
import { BlobRepository } from './blob.repository';
import { UploadRepository } from './upload.repository';

export const HOUSEKEEPING_JOBS = {
  /** Aborts uploads past their expiry and deletes what they staged. */
  staleUploads: 'blobs-abort-stale-uploads',
  /** Deletes blobs no commit references once their grace period is over. */
  blobGc: 'blobs-collect-garbage',
} as const;
export type HousekeepingJob = keyof typeof HOUSEKEEPING_JOBS;

/** When the jobs run (UTC). Any replica may enqueue a tick; one worker runs it. */
const SCHEDULES: Record<HousekeepingJob, string> = { staleUploads: '*/15 * * * *', blobGc: '37 * * * *' };
const PAGE = 200;

export interface StaleUploadsReport {
  abortedUploads: number;
  strayMultipartUploads: number;
  strayStagedObjects: number;
}

export interface BlobGcReport {
  deletedBlobs: number;
  deletedObjects: number;
  skipped: number;
}

/**
 * Blob housekeeping on the job queue: stale uploads and garbage collection. Garbage collection
 * deletes the Blob row first, in a statement that re-checks that no commit references it (and
 * the foreign key refuses it anyway), then the object; both under the blob's lock, so a racing
 * upload of the same bytes either sees no row and stores the object again, or keeps both.
 */
@Injectable()
export class BlobHousekeepingService implements OnApplicationBootstrap {
  private readonly logger = new Logger('BlobHousekeeping');

  constructor(
    @Inject(HUB_CONFIG) private readonly config: ResolvedHubConfig,
    private readonly jobs: JobQueueService,
    private readonly storage: ObjectStorage,
    private readonly blobs: BlobRepository,
    private readonly uploads: UploadRepository,
    private readonly gitOids: BlobGitOidBackfill,
  ) {}

  // After every module's init: the job queue has started by then.
  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.register(HOUSEKEEPING_JOBS.staleUploads, () => this.abortStaleUploads(), { policy: 'singleton', retryLimit: 1 });
    await this.jobs.register(HOUSEKEEPING_JOBS.blobGc, () => this.collectGarbage(), { policy: 'singleton', retryLimit: 1 });
    await this.jobs.schedule(HOUSEKEEPING_JOBS.staleUploads, SCHEDULES.staleUploads);
    await this.jobs.schedule(HOUSEKEEPING_JOBS.blobGc, SCHEDULES.blobGc);
    await this.gitOids.start();
  }

  /** Runs a housekeeping job now, through the queue, and waits for its report. */
  runNow(job: HousekeepingJob): Promise<JobOutcome> {
    return this.jobs.runNow(HOUSEKEEPING_JOBS[job]);
  }

  async runForAdmin(principal: Principal, job: HousekeepingJob): Promise<{ job: HousekeepingJob; id: string; state: JobOutcome['state']; report: unknown }> {
    if (!principal.isAdmin) throw HubException.forbidden('Only the platform administrator runs housekeeping jobs', 'not_platform_admin');
    const outcome = await this.runNow(job);
    return { job, id: outcome.id, state: outcome.state, report: outcome.output };
  }

  async abortStaleUploads(now = new Date()): Promise<StaleUploadsReport> {
    const report: StaleUploadsReport = { abortedUploads: 0, strayMultipartUploads: 0, strayStagedObjects: 0 };
    for (;;) {
      const expired = await this.uploads.findExpiredPending(now, PAGE);
      for (const upload of expired) {
        if (upload.multipartUploadId) await this.storage.abortMultipart(upload.stagingKey, upload.multipartUploadId);
        await this.storage.delete(upload.stagingKey);
        if (await this.uploads.abortIfPending(upload.id)) report.abortedUploads++;
      }
      if (expired.length < PAGE) break;
    }
    // What the hub has no pending record of (a crash between starting an upload and recording
    // it, or a PUT repeated after verification) is found in the bucket itself. Every upload
    // record expires this long after its creation, so anything older is no one's.
    const cutoff = new Date(now.getTime() - this.config.blobs.uploadExpiryHours * 3600_000);
    const strays = (await this.storage.listMultipartUploads(STAGING_PREFIX)).filter((u) => u.initiated < cutoff);
    const tracked = await this.uploads.pendingMultipartIds(strays.map((u) => u.uploadId));
    for (const stray of strays.filter((u) => !tracked.has(u.uploadId))) {
      await this.storage.abortMultipart(stray.key, stray.uploadId);
      report.strayMultipartUploads++;
    }
    for (const object of await this.storage.list(STAGING_PREFIX)) {
      if (object.lastModified >= cutoff) continue;
      await this.storage.delete(object.key);
      report.strayStagedObjects++;
    }
    if (report.abortedUploads || report.strayMultipartUploads || report.strayStagedObjects) this.logger.log({ report }, 'Aborted stale uploads');
    return report;
  }

  async collectGarbage(now = new Date()): Promise<BlobGcReport> {
    const cutoff = new Date(now.getTime() - this.config.blobs.gcGraceHours * 3600_000);
    const report: BlobGcReport = { deletedBlobs: 0, deletedObjects: 0, skipped: 0 };
    const skipped = new Set<string>();
    for (;;) {
      const candidates = (await this.blobs.findUnreferenced(cutoff, PAGE + skipped.size)).filter((sha) => !skipped.has(sha));
      for (const sha256 of candidates) {
        try {
          await this.blobs.withLock(sha256, async (writer) => {
            const deleted = await writer.deleteIfUnreferenced(sha256, cutoff);
            if (!deleted) return;
            // Still inside the transaction: if the object cannot be deleted, the row stays too.
            if (deleted.storageKey) await this.storage.delete(deleted.storageKey);
            report.deletedBlobs++;
            if (deleted.storageKey) report.deletedObjects++;
          });
        } catch (err) {
          // A commit referenced it meanwhile (the foreign key refused the delete), or storage failed.
          this.logger.warn(`Blob ${sha256} not collected: ${err instanceof Error ? err.message : err}`);
          skipped.add(sha256);
          report.skipped++;
        }
      }
      if (candidates.length < PAGE) break;
    }
    if (report.deletedBlobs || report.skipped) this.logger.log({ report }, 'Collected unreferenced blobs');
    return report;
  }
}
