import { Inject, Injectable } from '@nestjs/common';
import { SecretBox } from '../common/secret-box';
import { HUB_CONFIG, HubConfig } from '../config/hub-config';

/**
 * Webhook secrets at rest (common/secret-box.ts): the key from WEBHOOK_SECRET_KEY, or generated
 * into the data folder (`webhook-secret-key`) when it is not set (a hub without webhooks writes
 * nothing there). Replicas on one database need the same key: set WEBHOOK_SECRET_KEY on each.
 */
@Injectable()
export class WebhookSecretBox extends SecretBox {
  constructor(@Inject(HUB_CONFIG) config: HubConfig) {
    super({ configuredKey: config.webhooks.secretKey, dataDir: config.dataDir, fileName: 'webhook-secret-key', what: 'webhook secret' });
  }
}
