import { DynamicModule, Module } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { UploadRepository } from '../blobs/upload.repository';
import type { ResolvedHubConfig } from '../config/hub-config';
import { mountBodyBypass } from './storage-gateway-body-bypass';
import { StorageGatewayController } from './storage-gateway.controller';
import { StorageGatewayProxy } from './storage-gateway.proxy';

/** The storage gateway, present only when the hub runs its own store (no S3_ENDPOINT). */
@Module({})
export class StorageGatewayModule {
  static forConfig(config: ResolvedHubConfig): DynamicModule {
    if (!config.s3.embedded) return { module: StorageGatewayModule };
    return {
      module: StorageGatewayModule,
      controllers: [StorageGatewayController],
      providers: [StorageGatewayProxy, UploadRepository, { provide: 'STORAGE_GATEWAY_BODY_BYPASS', inject: [HttpAdapterHost], useFactory: mountBodyBypass }],
    };
  }
}
