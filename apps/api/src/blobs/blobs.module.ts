import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { ModelsModule } from '../models/models.module';
import { BlobGitOidBackfill } from './blob-git-oid-backfill.service';
import { BlobHousekeepingService } from './blob-housekeeping.service';
import { BlobUploadsController } from './blob-uploads.controller';
import { BlobRepository } from './blob.repository';
import { BlobService } from './blob.service';
import { HousekeepingController } from './housekeeping.controller';
import { LfsBatchService } from './lfs-batch.service';
import { LfsController } from './lfs.controller';
import { MultipartCompletionService } from './multipart-completion.service';
import { UploadRepository } from './upload.repository';
import { UploadVerifier } from './upload-verifier.service';

/**
 * Content-addressed blobs, staged uploads, the git-lfs batch API with its verify action and
 * signed multipart completion URL, and blob housekeeping (see docs/registry-internals.md).
 */
// git-lfs clients send their JSON as application/vnd.git-lfs+json: the app-wide JSON parser
// (app.factory.ts) takes every application/*+json, so these bodies get the same checks as others.
@Module({
  imports: [ModelsModule, JobsModule],
  controllers: [LfsController, BlobUploadsController, HousekeepingController],
  providers: [
    BlobRepository,
    UploadRepository,
    UploadVerifier,
    BlobService,
    LfsBatchService,
    MultipartCompletionService,
    BlobHousekeepingService,
    BlobGitOidBackfill,
  ],
  exports: [BlobService],
})
export class BlobsModule {}
