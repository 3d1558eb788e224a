import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireScope } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { uuidParam } from '../common/uuid-param.pipe';
import { CreateWebhookDto, ListDeliveriesQuery } from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('api/v1/orgs/:org/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @ApiOperation({ summary: "The organization's webhooks (admin or owner)" })
  list(@CurrentPrincipal() p: Principal, @Param('org') org: string) {
    return this.webhooks.list(p, org);
  }

  @RequireScope('write')
  @Post()
  @ApiOperation({ summary: 'Create a webhook (admin or owner); the answer shows its signing secret once' })
  create(@CurrentPrincipal() p: Principal, @Param('org') org: string, @Body() dto: CreateWebhookDto) {
    return this.webhooks.create(p, org, dto);
  }

  @RequireScope('write')
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a webhook and its deliveries' })
  remove(@CurrentPrincipal() p: Principal, @Param('org') org: string, @Param('id', uuidParam()) id: string) {
    return this.webhooks.delete(p, org, id);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: "A webhook's deliveries, newest first, with their attempts" })
  deliveries(@CurrentPrincipal() p: Principal, @Param('org') org: string, @Param('id', uuidParam()) id: string, @Query() q: ListDeliveriesQuery) {
    return this.webhooks.deliveries(p, org, id, q);
  }

  @RequireScope('write')
  @Post(':id/deliveries/:deliveryId/redeliver')
  @ApiOperation({ summary: "Send a settled delivery's body again, as a new delivery with redelivery: true" })
  redeliver(
    @CurrentPrincipal() p: Principal,
    @Param('org') org: string,
    @Param('id', uuidParam()) id: string,
    @Param('deliveryId', uuidParam('deliveryId')) deliveryId: string,
  ) {
    return this.webhooks.redeliver(p, org, id, deliveryId);
  }
}
