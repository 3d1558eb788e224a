import { Module } from '@nestjs/common';
import { BlobsModule } from '../../blobs/blobs.module';
import { ModelsModule } from '../../models/models.module';
import { RepoHistoryModule } from '../../repo-history/repo-history.module';
import { DatasetPreviewController } from './dataset-preview.controller';
import { DatasetPreviewService } from './dataset-preview.service';

/** The preview of dataset files (see docs/datasets.md, "Preview"). */
@Module({
  imports: [ModelsModule, BlobsModule, RepoHistoryModule],
  controllers: [DatasetPreviewController],
  providers: [DatasetPreviewService],
})
export class DatasetPreviewModule {}
