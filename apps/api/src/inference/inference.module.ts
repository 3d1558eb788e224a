import { Module } from '@nestjs/common';
import { BlobsModule } from '../blobs/blobs.module';
import { ModelsModule } from '../models/models.module';
import { RepoHistoryModule } from '../repo-history/repo-history.module';
import { CallLimiters } from './call-limiter';
import { CallMeter } from './call-meter.service';
import { CallRecordRepository } from './call-record.repository';
import { DeploymentRepository } from './deployment.repository';
import { DeploymentsController } from './deployments.controller';
import { DeploymentsService } from './deployments.service';
import { EmbeddedBackend } from './embedded-backend.service';
import { InferenceSecretBox } from './inference-secret-box';
import { InferenceService } from './inference.service';
import { JsonParsePool } from './json-parse-pool';
import { LiveDeployments } from './live-deployments';
import { OipController } from './oip.controller';
import { OipInferHotRoute } from './oip-infer.hot-route';
import { RemoteBackend } from './remote-backend.service';

/**
 * Hosted inference (docs/inference.md): deployments of a model's versions, the embedded
 * onnxruntime backend and the remote (OIP) backend, the Open Inference Protocol at /v2, and the
 * metering of every call. Calls are authorized by ModelAccessService.authorizeCall, which licensing
 * completes through DownloadGrantPort (grants with the `inference` right, seats, quotas).
 */
@Module({
  imports: [ModelsModule, RepoHistoryModule, BlobsModule],
  controllers: [DeploymentsController, OipController],
  providers: [
    DeploymentRepository,
    LiveDeployments,
    JsonParsePool,
    CallRecordRepository,
    CallMeter,
    CallLimiters,
    EmbeddedBackend,
    RemoteBackend,
    InferenceSecretBox,
    DeploymentsService,
    InferenceService,
    OipInferHotRoute,
  ],
  exports: [EmbeddedBackend],
})
export class InferenceModule {}
