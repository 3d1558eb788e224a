import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { UsersService } from './users.service';

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('api/v1/me')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'The signed-in user with their organizations' })
  me(@CurrentPrincipal() p: Principal) {
    return this.users.me(p);
  }
}
