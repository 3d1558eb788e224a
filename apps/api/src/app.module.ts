import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { HttpLogger } from 'pino-http';
import { AuthModule } from './auth/auth.module';
import { ResolvedHubConfig } from './config/hub-config';
import { CoreModule } from './core.module';
import { DatasetPreviewModule } from './datasets/preview/dataset-preview.module';
import { DiscoveryModule } from './discovery/discovery.module';
import { HotRoutesModule } from './hot-routes/hot-routes.module';
import { HealthModule } from './health/health.module';
import { HfCompatModule } from './hf-compat/hf-compat.module';
import { InferenceModule } from './inference/inference.module';
import { LicensingModule } from './licensing/licensing.module';
import { LineageModule } from './lineage/lineage.module';
import { ModelsModule } from './models/models.module';
import { OrgsModule } from './orgs/orgs.module';
import { RepoHistoryModule } from './repo-history/repo-history.module';
import { StorageGatewayModule } from './storage-gateway/storage-gateway.module';
import { TokensModule } from './tokens/tokens.module';
import { UsersModule } from './users/users.module';

@Module({})
export class AppModule {
  static forConfig(config: ResolvedHubConfig, httpLogger: HttpLogger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forConfig(config),
        // The app's one pino-http (common/http-logger.ts), mounted by createApp and shared with the hot routes.
        LoggerModule.forRoot({ pinoHttp: { logger: httpLogger.logger }, useExisting: true }),
        HotRoutesModule,
        HealthModule,
        AuthModule,
        UsersModule,
        TokensModule,
        OrgsModule,
        ModelsModule,
        RepoHistoryModule,
        DatasetPreviewModule,
        DiscoveryModule,
        LicensingModule,
        LineageModule,
        InferenceModule,
        StorageGatewayModule.forConfig(config),
        // Last: its `/:ns/:name/resolve/...` routes must not shadow any fixed route.
        HfCompatModule,
      ],
    };
  }
}
