import { Injectable, Logger } from '@nestjs/common';
import { HubEventName, HubEvents } from '../common/hub-events';
import { WebhookDeliveryWorker } from './webhook-delivery.worker';
import { WebhookRepository } from './webhook.repository';

/**
 * The webhooks side of the HubEvents port: one delivery row per subscribed webhook, then a job for
 * each. The body, `{event, occurredAt, data}`, is serialized once and stored, so every attempt
 * signs and sends the very same bytes.
 */
@Injectable()
export class WebhookPublisher extends HubEvents {
  private readonly logger = new Logger('Webhooks');

  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly worker: WebhookDeliveryWorker,
  ) {
    super();
  }

  async publish(event: HubEventName, data: Record<string, unknown>, organizationIds: (string | null | undefined)[]): Promise<void> {
    const orgs = [...new Set(organizationIds.filter((id): id is string => !!id))];
    if (!orgs.length) return;
    try {
      const hooks = await this.webhooks.subscribers(orgs, event);
      if (!hooks.length) return;
      const body = JSON.stringify({ event, occurredAt: new Date().toISOString(), data });
      const ids = await this.webhooks.createDeliveries(
        hooks.map((h) => h.id),
        event,
        body,
      );
      await this.worker.enqueue(ids);
    } catch (err) {
      this.logger.error({ err }, `Could not queue the ${event} webhook deliveries`);
    }
  }
}
