import { Global, Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { LineageCoreModule } from '../lineage/lineage-core.module';
import { CommitHooksPort } from '../repo-history/commit-hooks.port';
import { DiscoveryCommitHooks } from './discovery-commit-hooks';
import { OrgSecurityPolicyRepository } from './policy/org-security-policy.repository';
import { BlobScanRepository } from './scanners/blob-scan.repository';
import { FileScanService } from './scanners/file-scan.service';
import { SearchEngine } from './search/search-engine.service';
import { SearchIndexRepository } from './search/search-index.repository';
import { SearchWarmup } from './search/search-warmup.service';

/**
 * The part of discovery other modules call into: the search engine (ModelSearchService lists
 * through it), the commit hooks (CommitHooksPort, for CommitService) and scan lookups (TreeService). Global, and
 * depending on nothing but the core and the job queue, so models and repo-history can use it
 * without importing discovery's controllers (which themselves depend on models).
 */
@Global()
@Module({
  imports: [JobsModule, LineageCoreModule],
  providers: [
    SearchIndexRepository,
    SearchEngine,
    SearchWarmup,
    BlobScanRepository,
    FileScanService,
    OrgSecurityPolicyRepository,
    DiscoveryCommitHooks,
    { provide: CommitHooksPort, useExisting: DiscoveryCommitHooks },
  ],
  exports: [SearchIndexRepository, SearchEngine, SearchWarmup, BlobScanRepository, FileScanService, OrgSecurityPolicyRepository, CommitHooksPort],
})
export class DiscoveryCoreModule {}
