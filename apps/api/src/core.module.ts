import { DynamicModule, Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CacheInvalidation } from './cache/cache-invalidation.service';
import { KnownQueryGuard } from './common/known-query.guard';
import { HUB_CONFIG, ResolvedHubConfig } from './config/hub-config';
import { PrismaService } from './database/prisma.service';
import { HubLinks } from './links/hub-links.service';
import { requestOriginMiddleware } from './links/request-origin.middleware';
import { EmbeddedObjectStorage } from './storage/embedded-object-storage';
import { ObjectStorage } from './storage/object-storage';
import { S3ObjectStorage } from './storage/s3-object-storage';

/** Config, database (and its cache invalidation), object storage and the hub's links: available to every module. */
@Global()
@Module({})
export class CoreModule implements NestModule {
  static forConfig(config: ResolvedHubConfig): DynamicModule {
    const storage = config.s3.embedded ? EmbeddedObjectStorage : S3ObjectStorage;
    return {
      module: CoreModule,
      providers: [
        { provide: HUB_CONFIG, useValue: config },
        PrismaService,
        CacheInvalidation,
        HubLinks,
        { provide: ObjectStorage, useClass: storage },
        // Query parameters a route does not declare are refused, on every route (common/known-query.guard.ts).
        { provide: APP_GUARD, useClass: KnownQueryGuard },
      ],
      exports: [HUB_CONFIG, PrismaService, CacheInvalidation, HubLinks, ObjectStorage],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(requestOriginMiddleware).forRoutes('{*path}');
  }
}
