import { Module } from '@nestjs/common';
import { OrgsModule } from '../orgs/orgs.module';
import { TokenRepository } from './token.repository';
import { TokensController } from './tokens.controller';
import { TokensService } from './tokens.service';

@Module({ imports: [OrgsModule], controllers: [TokensController], providers: [TokensService, TokenRepository], exports: [TokensService] })
export class TokensModule {}
