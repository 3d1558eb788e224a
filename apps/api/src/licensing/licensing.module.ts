import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { ModelsModule } from '../models/models.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { OrgsModule } from '../orgs/orgs.module';
import { UsersModule } from '../users/users.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { AccessStatusService } from './access-status.service';
import { CallUsageRepository } from './call-usage.repository';
import { GrantsController } from './grants.controller';
import { HfAccessRequestsController } from './hf-access-requests.controller';
import { HfAccessRequestsService } from './hf-access-requests.service';
import { GrantsService } from './grants.service';
import { LicenseGrantsModule } from './license-grants.module';
import { LicenseReportsController } from './license-reports.controller';
import { LicenseReportsService } from './license-reports.service';
import { LicenseRequestRepository } from './license-request.repository';
import { LicenseRequestsController } from './license-requests.controller';
import { LicenseRequestsService } from './license-requests.service';
import { LicensingNotifier } from './licensing-notifier.service';
import { OfferRepository } from './offer.repository';
import { OffersController } from './offers.controller';
import { OffersService } from './offers.service';

/**
 * Licensing between organizations (docs/licensing.md): offers, requests, grants, the access
 * status, the audit log and usage reports. Grants reach the download decision through
 * LicenseGrantsModule (DownloadGrantPort); notifications and webhooks tell both sides.
 */
@Module({
  imports: [LicenseGrantsModule, ModelsModule, OrgsModule, UsersModule, NotificationsModule, WebhooksModule, JobsModule],
  controllers: [OffersController, LicenseRequestsController, GrantsController, LicenseReportsController, HfAccessRequestsController],
  providers: [
    OfferRepository,
    LicenseRequestRepository,
    OffersService,
    LicenseRequestsService,
    GrantsService,
    AccessStatusService,
    LicenseReportsService,
    LicensingNotifier,
    CallUsageRepository,
    HfAccessRequestsService,
  ],
})
export class LicensingModule {}
