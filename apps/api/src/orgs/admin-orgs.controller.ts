import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireScope } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { OrgsService } from './orgs.service';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('api/v1/admin/orgs')
export class AdminOrgsController {
  constructor(private readonly orgs: OrgsService) {}

  @RequireScope('admin')
  @Post(':name/verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark an organization as a verified alliance member (platform administrator)' })
  verify(@CurrentPrincipal() p: Principal, @Param('name') name: string) {
    return this.orgs.setVerified(p, name, true);
  }

  @RequireScope('admin')
  @Post(':name/unverify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Withdraw the verified mark (platform administrator)' })
  unverify(@CurrentPrincipal() p: Principal, @Param('name') name: string) {
    return this.orgs.setVerified(p, name, false);
  }
}
