import { DynamicModule, Global, Module } from '@nestjs/common';
import { HUB_CONFIG, ResolvedHubConfig } from './config/hub-config';
import { PrismaService } from './database/prisma.service';
import { ObjectStorage } from './storage/object-storage';
import { S3ObjectStorage } from './storage/s3-object-storage';

/** Config, database and object storage: available to every module. */
@Global()
@Module({})
export class CoreModule {
  static forConfig(config: ResolvedHubConfig): DynamicModule {
    return {
      module: CoreModule,
      providers: [{ provide: HUB_CONFIG, useValue: config }, PrismaService, { provide: ObjectStorage, useClass: S3ObjectStorage }],
      exports: [HUB_CONFIG, PrismaService, ObjectStorage],
    };
  }
}
