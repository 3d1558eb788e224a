import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { BearerAuthGuard } from '../common/auth/bearer-auth.guard';
import { HUB_CONFIG, ResolvedHubConfig } from '../config/hub-config';
import { NamespacesModule } from '../namespaces/namespaces.module';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { BearerStrategy } from './bearer.strategy';
import { LoginRateLimitRepository } from './login-rate-limit.repository';
import { PasswordHasher } from './password-hasher';
import { SessionCookieMiddleware } from './session-cookie.middleware';
import { SessionController } from './session.controller';

@Module({
  imports: [
    PassportModule,
    UsersModule,
    TokensModule,
    NamespacesModule,
    JwtModule.registerAsync({
      inject: [HUB_CONFIG],
      useFactory: (config: ResolvedHubConfig) => ({ secret: config.jwt.secret, signOptions: { expiresIn: config.jwt.expiresInSeconds } }),
    }),
  ],
  controllers: [AuthController, SessionController],
  providers: [AuthService, BearerStrategy, PasswordHasher, LoginRateLimitRepository, { provide: APP_GUARD, useClass: BearerAuthGuard }],
  exports: [AuthService],
})
export class AuthModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(SessionCookieMiddleware).forRoutes({ path: '*path', method: RequestMethod.ALL });
  }
}
