import { Module } from '@nestjs/common';
import { BlobsModule } from '../blobs/blobs.module';
import { ModelsModule } from '../models/models.module';
import { BranchesService } from './branches.service';
import { CommitRepository } from './commit.repository';
import { CommitService } from './commit.service';
import { DownloadEventRepository } from './download-event.repository';
import { FileDownloadService } from './file-download.service';
import { HistoryService } from './history.service';
import { RepoApiService } from './repo-api.service';
import { RepoController } from './repo.controller';
import { RevisionService } from './revision.service';
import { SquashService } from './squash.service';
import { TreeService } from './tree.service';
import { VersionRepository } from './version.repository';
import { VersionsController } from './versions.controller';
import { VersionsService } from './versions.service';

/** Commits, revisions, trees, history, branches, versions and file downloads (see docs/registry-internals.md). */
@Module({
  imports: [ModelsModule, BlobsModule],
  controllers: [VersionsController, RepoController],
  providers: [
    CommitRepository,
    VersionRepository,
    DownloadEventRepository,
    RevisionService,
    CommitService,
    TreeService,
    HistoryService,
    BranchesService,
    VersionsService,
    FileDownloadService,
    RepoApiService,
    SquashService,
  ],
  exports: [RevisionService, CommitService, SquashService, TreeService, HistoryService, BranchesService, VersionsService, FileDownloadService],
})
export class RepoHistoryModule {}
