import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireScope } from '../../common/auth/auth.decorators';
import type { Principal } from '../../common/auth/principal';
import { SecurityPolicyDto } from '../dto/security-policy.dto';
import { SecurityPolicyService } from './security-policy.service';

@ApiTags('discovery')
@ApiBearerAuth()
@Controller('api/v1/orgs/:org/security-policy')
export class SecurityPolicyController {
  constructor(private readonly policies: SecurityPolicyService) {}

  @Get()
  @ApiOperation({ summary: "The organization's security policy (members)" })
  get(@CurrentPrincipal() p: Principal, @Param('org') org: string) {
    return this.policies.get(p, org);
  }

  @RequireScope('write')
  @Put()
  @ApiOperation({ summary: 'Turn the pickle policy on or off (organization admins and owners)' })
  set(@CurrentPrincipal() p: Principal, @Param('org') org: string, @Body() dto: SecurityPolicyDto) {
    return this.policies.set(p, org, dto);
  }
}
