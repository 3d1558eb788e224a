import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public, RequireScope } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { CreateOrgDto } from './dto/create-org.dto';
import { ListOrgsQuery } from './dto/list-orgs.query';
import { AddMemberDto, ChangeRoleDto } from './dto/member.dto';
import { UpdateOrgDto } from './dto/update-org.dto';
import { OrgsService } from './orgs.service';

@ApiTags('organizations')
@ApiBearerAuth()
@Controller('api/v1/orgs')
export class OrgsController {
  constructor(private readonly orgs: OrgsService) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'List organizations' })
  list(@Query() query: ListOrgsQuery) {
    return this.orgs.list(query);
  }

  @RequireScope('write')
  @Post()
  @ApiOperation({ summary: 'Create an organization; you become its owner' })
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateOrgDto) {
    return this.orgs.create(p, dto);
  }

  @Public()
  @Get(':name')
  @ApiOperation({ summary: 'Read an organization' })
  get(@Param('name') name: string) {
    return this.orgs.get(name);
  }

  @RequireScope('write')
  @Patch(':name')
  @ApiOperation({ summary: 'Update an organization (admin or owner)' })
  update(@CurrentPrincipal() p: Principal, @Param('name') name: string, @Body() dto: UpdateOrgDto) {
    return this.orgs.update(p, name, dto);
  }

  @Public()
  @Get(':name/members')
  @ApiOperation({ summary: 'List members and their roles' })
  members(@Param('name') name: string) {
    return this.orgs.members(name);
  }

  @RequireScope('write')
  @Post(':name/members')
  @ApiOperation({ summary: 'Add a member by username (admin or owner; owners add owners)' })
  addMember(@CurrentPrincipal() p: Principal, @Param('name') name: string, @Body() dto: AddMemberDto) {
    return this.orgs.addMember(p, name, dto);
  }

  @RequireScope('write')
  @Patch(':name/members/:username')
  @ApiOperation({ summary: "Change a member's role (the last owner cannot be demoted: 409)" })
  changeRole(@CurrentPrincipal() p: Principal, @Param('name') name: string, @Param('username') username: string, @Body() dto: ChangeRoleDto) {
    return this.orgs.changeRole(p, name, username, dto.role);
  }

  @RequireScope('write')
  @Delete(':name/members/:username')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a member, or leave (your own username)' })
  removeMember(@CurrentPrincipal() p: Principal, @Param('name') name: string, @Param('username') username: string) {
    return this.orgs.removeMember(p, name, username);
  }
}
