import { Module } from '@nestjs/common';
import { ModelsModule } from '../models/models.module';
import { OrgsModule } from '../orgs/orgs.module';
import { RepoHistoryModule } from '../repo-history/repo-history.module';
import { UsersModule } from '../users/users.module';
import { HfCommitController } from './hf-commit.controller';
import { BlobsModule } from '../blobs/blobs.module';
import { HfCommitService } from './hf-commit.service';
import { HfDiscussionsController } from './hf-discussions.controller';
import { HfDiscussionsService } from './hf-discussions.service';
import { ProposalsModule } from '../proposals/proposals.module';
import { HfPreuploadService } from './hf-preupload.service';
import { HfModelsController } from './hf-models.controller';
import { HfModelsService } from './hf-models.service';
import { HfReposController } from './hf-repos.controller';
import { HfReposService } from './hf-repos.service';
import { HfResolveController } from './hf-resolve.controller';
import { HfResolveHotRoute } from './hf-resolve.hot-route';
import { HfResolveService } from './hf-resolve.service';
import { HfWhoamiController } from './hf-whoami.controller';
import { HfWhoamiService } from './hf-whoami.service';

/**
 * The Hugging Face Hub protocol, as an adapter over the registry's services: huggingface_hub and
 * @huggingface/hub work against this hub with only their endpoint changed. The git-lfs batch API
 * lives with the blobs it creates (blobs/).
 */
@Module({
  imports: [UsersModule, OrgsModule, ModelsModule, RepoHistoryModule, BlobsModule, ProposalsModule],
  // The resolve controller's `:ns/:name/...` routes go last so no fixed route is shadowed.
  controllers: [HfWhoamiController, HfReposController, HfModelsController, HfCommitController, HfDiscussionsController, HfResolveController],
  providers: [HfWhoamiService, HfReposService, HfModelsService, HfCommitService, HfPreuploadService, HfResolveService, HfResolveHotRoute, HfDiscussionsService],
})
export class HfCompatModule {}
