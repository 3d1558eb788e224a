import { Global, Module } from '@nestjs/common';
import { DownloadGrantPort } from '../models/download-grant.port';
import { OrgsModule } from '../orgs/orgs.module';
import { GrantAccessService } from './grant-access.service';
import { GrantRepository } from './grant.repository';
import { LicenseAuditRepository } from './license-audit.repository';

/**
 * Provides DownloadGrantPort to ModelAccessService. Global because the models module cannot
 * import licensing (licensing imports models); this module depends on nothing but the database
 * and organizations (for the caller's memberships), so no cycle forms.
 */
@Global()
@Module({
  imports: [OrgsModule],
  providers: [GrantRepository, LicenseAuditRepository, GrantAccessService, { provide: DownloadGrantPort, useExisting: GrantAccessService }],
  exports: [DownloadGrantPort, GrantRepository, LicenseAuditRepository],
})
export class LicenseGrantsModule {}
