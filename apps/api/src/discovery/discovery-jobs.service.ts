import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { JobQueueService } from '../jobs/job-queue.service';
import { DISCOVERY_JOBS, DISCOVERY_SCHEDULES, ScanCommitJob } from './discovery-jobs';
import { RepoScanService } from './scanners/repo-scan.service';
import { TrendingRepository } from './signals/trending.repository';

/** Discovery's background work on the job queue: commit scans, trending, pruning. */
@Injectable()
export class DiscoveryJobsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Discovery');

  constructor(
    private readonly jobs: JobQueueService,
    private readonly scans: RepoScanService,
    private readonly trending: TrendingRepository,
  ) {}

  // After every module's init: the job queue has started by then.
  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.register<ScanCommitJob>(DISCOVERY_JOBS.scanCommit, (job) => this.scans.scanCommit(job.modelId, job.commitId), {
      pollingIntervalSeconds: 0.5,
      retryLimit: 3,
      retryDelay: 10,
      expireInSeconds: 60 * 60,
    });
    await this.jobs.register(DISCOVERY_JOBS.trending, () => this.recomputeTrending(), { policy: 'singleton', retryLimit: 1 });
    await this.jobs.register(DISCOVERY_JOBS.prune, () => this.prune(), { policy: 'singleton', retryLimit: 1 });
    await this.jobs.schedule(DISCOVERY_JOBS.trending, DISCOVERY_SCHEDULES.trending);
    await this.jobs.schedule(DISCOVERY_JOBS.prune, DISCOVERY_SCHEDULES.prune);
  }

  async recomputeTrending(): Promise<{ updated: number }> {
    const updated = await this.trending.recompute();
    this.logger.log(`Trending scores recomputed: ${updated} models changed`);
    return { updated };
  }

  async prune(): Promise<{ countedDownloads: number; tombstones: number }> {
    return { countedDownloads: await this.trending.pruneCountedDownloads(), tombstones: await this.trending.pruneTombstones() };
  }
}
