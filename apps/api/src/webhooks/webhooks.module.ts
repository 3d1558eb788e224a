import { Global, Module } from '@nestjs/common';
import { HubEvents } from '../common/hub-events';
import { JobsModule } from '../jobs/jobs.module';
import { OrgsModule } from '../orgs/orgs.module';
import { WebhookDeliveryWorker } from './webhook-delivery.worker';
import { WebhookPublisher } from './webhook-publisher';
import { WebhookSecretBox } from './webhook-secret-box';
import { WebhookRepository } from './webhook.repository';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/**
 * Organization webhooks. Global so that any module can announce events through the HubEvents
 * port (models: model.created; versions: version.published; licensing: license and grant events)
 * without importing this module.
 */
@Global()
@Module({
  imports: [OrgsModule, JobsModule],
  controllers: [WebhooksController],
  providers: [
    WebhookRepository,
    WebhookSecretBox,
    WebhooksService,
    WebhookDeliveryWorker,
    WebhookPublisher,
    { provide: HubEvents, useExisting: WebhookPublisher },
  ],
  exports: [HubEvents],
})
export class WebhooksModule {}
