import { Global, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { HotRoutes } from './hot-routes';

/** The hot routes registry (hot-routes.ts): modules register their routes, createApp attaches it. */
@Global()
@Module({ imports: [AuthModule], providers: [HotRoutes], exports: [HotRoutes] })
export class HotRoutesModule {}
