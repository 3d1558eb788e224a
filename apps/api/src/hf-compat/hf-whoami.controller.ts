import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { HfWhoamiService } from './hf-whoami.service';
import { AcceptsUnknownQuery } from '../common/known-query.guard';

@ApiTags('hugging-face')
@AcceptsUnknownQuery()
@ApiBearerAuth()
@Controller('api')
export class HfWhoamiController {
  constructor(private readonly whoami: HfWhoamiService) {}

  @Get('whoami-v2')
  @ApiOperation({ summary: 'Who the token belongs to (Hugging Face format)' })
  get(@CurrentPrincipal() p: Principal) {
    return this.whoami.whoami(p);
  }
}
