import { Module } from '@nestjs/common';
import { NamespacesModule } from '../namespaces/namespaces.module';
import { OrgsModule } from '../orgs/orgs.module';
import { ModelAccessService } from './model-access.service';
import { ModelCardParser } from './model-card.parser';
import { ModelRepository } from './model.repository';
import { ModelSearchService } from './model-search.service';
import { ModelsController } from './models.controller';
import { ModelsService } from './models.service';
import { ProposalAccessService } from './proposal-access.service';
import { ProposalSettingsRepository } from './proposal-settings.repository';

@Module({
  imports: [OrgsModule, NamespacesModule],
  controllers: [ModelsController],
  providers: [ModelRepository, ModelsService, ModelAccessService, ModelCardParser, ModelSearchService, ProposalSettingsRepository, ProposalAccessService],
  exports: [ModelsService, ModelAccessService, ModelRepository, ModelCardParser, ModelSearchService, ProposalSettingsRepository, ProposalAccessService],
})
export class ModelsModule {}
