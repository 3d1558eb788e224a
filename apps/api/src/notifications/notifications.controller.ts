import { Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { uuidParam } from '../common/uuid-param.pipe';
import { ListNotificationsQuery } from './dto/list-notifications.query';
import { NotificationsService } from './notifications.service';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('api/v1/me/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOperation({ summary: 'Your notifications, newest first (licence requests, decisions, revocations, grants about to expire)' })
  list(@CurrentPrincipal() p: Principal, @Query() q: ListNotificationsQuery) {
    return this.notifications.list(p, q);
  }

  @Post('read')
  @ApiOperation({ summary: 'Mark every notification read' })
  readAll(@CurrentPrincipal() p: Principal) {
    return this.notifications.markAllRead(p);
  }

  @Post(':id/read')
  @ApiOperation({ summary: 'Mark one notification read' })
  read(@CurrentPrincipal() p: Principal, @Param('id', uuidParam()) id: string) {
    return this.notifications.markRead(p, id);
  }
}
