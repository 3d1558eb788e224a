import { Inject, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { json } from 'express';
import { HUB_CONFIG, ResolvedHubConfig } from '../config/hub-config';
import { JobsModule } from '../jobs/jobs.module';
import { ModelsModule } from '../models/models.module';
import { BlobHousekeepingService } from './blob-housekeeping.service';
import { BlobUploadsController } from './blob-uploads.controller';
import { BlobRepository } from './blob.repository';
import { BlobService } from './blob.service';
import { HousekeepingController } from './housekeeping.controller';
import { LfsBatchService } from './lfs-batch.service';
import { LfsController, LFS_MEDIA_TYPE } from './lfs.controller';
import { MultipartCompletionService } from './multipart-completion.service';
import { UploadRepository } from './upload.repository';
import { UploadVerifier } from './upload-verifier.service';

/**
 * Content-addressed blobs, staged uploads, the git-lfs batch API with its verify action and
 * signed multipart completion URL, and blob housekeeping (see docs/registry-internals.md).
 */
@Module({
  imports: [ModelsModule, JobsModule],
  controllers: [LfsController, BlobUploadsController, HousekeepingController],
  providers: [BlobRepository, UploadRepository, UploadVerifier, BlobService, LfsBatchService, MultipartCompletionService, BlobHousekeepingService],
  exports: [BlobService],
})
export class BlobsModule implements NestModule {
  constructor(@Inject(HUB_CONFIG) private readonly config: ResolvedHubConfig) {}

  // git-lfs clients send their JSON as application/vnd.git-lfs+json, which the app-wide JSON
  // parser (application/json only) leaves alone.
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(json({ type: LFS_MEDIA_TYPE, limit: this.config.bodyLimit })).forRoutes(LfsController, BlobUploadsController);
  }
}
