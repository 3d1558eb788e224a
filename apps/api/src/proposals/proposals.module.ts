import { Module } from '@nestjs/common';
import { BlobsModule } from '../blobs/blobs.module';
import { ModelsModule } from '../models/models.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { OrgsModule } from '../orgs/orgs.module';
import { RepoHistoryModule } from '../repo-history/repo-history.module';
import { ProposalApiService } from './proposal-api.service';
import { ProposalConversationService } from './proposal-conversation.service';
import { ProposalDiffService } from './proposal-diff.service';
import { ProposalMergeService } from './proposal-merge.service';
import { ProposalNotifier } from './proposal-notifier.service';
import { ProposalRepository } from './proposal.repository';
import { ProposalsController } from './proposals.controller';
import { ProposalsService } from './proposals.service';

/** Contributor proposals: discussions and pull requests on models, reviewed and merged into versions (docs/proposals.md). */
@Module({
  imports: [ModelsModule, OrgsModule, RepoHistoryModule, BlobsModule, NotificationsModule],
  controllers: [ProposalsController],
  providers: [
    ProposalRepository,
    ProposalNotifier,
    ProposalsService,
    ProposalConversationService,
    ProposalMergeService,
    ProposalDiffService,
    ProposalApiService,
  ],
  exports: [ProposalsService, ProposalConversationService, ProposalMergeService, ProposalDiffService],
})
export class ProposalsModule {}
