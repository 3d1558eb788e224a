import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireScope } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { uuidParam } from '../common/uuid-param.pipe';
import { CreateTokenDto } from './dto/create-token.dto';
import { TokensService } from './tokens.service';

@ApiTags('tokens')
@ApiBearerAuth()
@Controller('api/v1/tokens')
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  @RequireScope('admin')
  @Post()
  @ApiOperation({ summary: 'Create a personal API token (the secret is shown once)' })
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateTokenDto) {
    return this.tokens.create(p, dto);
  }

  @Get()
  @ApiOperation({ summary: 'List your tokens (never their secrets)' })
  list(@CurrentPrincipal() p: Principal) {
    return this.tokens.list(p);
  }

  @RequireScope('admin')
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a token' })
  revoke(@CurrentPrincipal() p: Principal, @Param('id', uuidParam()) id: string) {
    return this.tokens.revoke(p, id);
  }
}
