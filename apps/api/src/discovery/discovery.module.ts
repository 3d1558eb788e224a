import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { ModelsModule } from '../models/models.module';
import { OrgsModule } from '../orgs/orgs.module';
import { UsersModule } from '../users/users.module';
import { DiscoveryCoreModule } from './discovery-core.module';
import { DiscoveryJobsService } from './discovery-jobs.service';
import { SecurityPolicyController } from './policy/security-policy.controller';
import { SecurityPolicyService } from './policy/security-policy.service';
import { RepoScanService } from './scanners/repo-scan.service';
import { DiscoverySearchService } from './search/discovery-search.service';
import { SearchRequestWarmup } from './search/search-request-warmup';
import { SearchController } from './search/search.controller';
import { DownloadStatsRepository } from './signals/download-stats.repository';
import { DownloadStatsService } from './signals/download-stats.service';
import { LikeRepository } from './signals/like.repository';
import { LikesService } from './signals/likes.service';
import { SignalsController } from './signals/signals.controller';
import { HfLikesController } from './signals/hf-likes.controller';
import { TrendingRepository } from './signals/trending.repository';

/**
 * Discovery (docs/discovery.md): search, likes, download counts and trending, the safetensors and
 * pickle scanners and the organization scan policy.
 */
@Module({
  imports: [DiscoveryCoreModule, JobsModule, ModelsModule, OrgsModule, UsersModule],
  controllers: [SearchController, SignalsController, HfLikesController, SecurityPolicyController],
  providers: [
    DiscoverySearchService,
    SearchRequestWarmup,
    LikeRepository,
    LikesService,
    DownloadStatsRepository,
    DownloadStatsService,
    TrendingRepository,
    RepoScanService,
    DiscoveryJobsService,
    SecurityPolicyService,
  ],
  exports: [RepoScanService, DiscoveryJobsService],
})
export class DiscoveryModule {}
