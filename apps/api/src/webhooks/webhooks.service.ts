import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Principal } from '../common/auth/principal';
import { HubException } from '../common/hub-exception';
import { HUB_CONFIG, ResolvedHubConfig } from '../config/hub-config';
import { OrgAccessService } from '../orgs/org-access.service';
import type { OrgRecord } from '../orgs/org.repository';
import type { CreateWebhookDto, ListDeliveriesQuery } from './dto/webhook.dto';
import { WebhookDeliveryWorker } from './webhook-delivery.worker';
import { WebhookSecretBox } from './webhook-secret-box';
import { checkWebhookTarget } from './webhook-target';
import { DeliveryRecord, WebhookRecord, WebhookRepository } from './webhook.repository';

export interface WebhookInfo {
  id: string;
  org: string;
  url: string;
  events: string[];
  description: string;
  createdAt: string;
}

export interface DeliveryInfo {
  id: string;
  webhookId: string;
  event: string;
  status: DeliveryRecord['status'];
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  attemptLog: DeliveryRecord['log'];
  payload: unknown;
  deliveredAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** A redelivery is a new delivery (its own id) of an earlier one's body, as on GitHub. */
  redelivery: boolean;
  redeliveryOf: string | null;
}

/** Webhooks an organization may keep. */
const MAX_WEBHOOKS_PER_ORG = 50;

const present = (w: WebhookRecord, org: OrgRecord): WebhookInfo => ({
  id: w.id,
  org: org.name,
  url: w.url,
  events: w.events,
  description: w.description,
  createdAt: w.createdAt.toISOString(),
});

const presentDelivery = (d: DeliveryRecord): DeliveryInfo => ({
  id: d.id,
  webhookId: d.webhookId,
  event: d.event,
  status: d.status,
  attempts: d.attempts,
  lastStatusCode: d.lastStatusCode,
  lastError: d.lastError,
  attemptLog: d.log,
  payload: JSON.parse(d.body),
  deliveredAt: d.deliveredAt?.toISOString() ?? null,
  createdAt: d.createdAt.toISOString(),
  updatedAt: d.updatedAt.toISOString(),
  redelivery: d.redeliveryOfId !== null,
  redeliveryOf: d.redeliveryOfId,
});

/** Clear-text secrets sealed per statement batch at start-up. */
const SEAL_BATCH = 500;

/** An organization's webhooks: its admins and owners manage them and read their deliveries. */
@Injectable()
export class WebhooksService implements OnApplicationBootstrap {
  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly orgAccess: OrgAccessService,
    private readonly box: WebhookSecretBox,
    private readonly worker: WebhookDeliveryWorker,
    @Inject(HUB_CONFIG) private readonly config: ResolvedHubConfig,
  ) {}

  /** Encrypts the secrets of webhooks created before secrets were encrypted (idempotent; replicas may race). */
  async onApplicationBootstrap(): Promise<void> {
    for (let rows = await this.webhooks.clearSecrets(SEAL_BATCH); rows.length; rows = await this.webhooks.clearSecrets(SEAL_BATCH)) {
      for (const row of rows) await this.webhooks.sealSecret(row.id, row.secret, await this.box.seal(row.secret));
    }
  }

  async list(principal: Principal, orgName: string): Promise<WebhookInfo[]> {
    const org = await this.adminOf(principal, orgName);
    return (await this.webhooks.list(org.id)).map((w) => present(w, org));
  }

  /** Creates the webhook; the answer carries the secret, which is never shown again. */
  async create(principal: Principal, orgName: string, dto: CreateWebhookDto): Promise<WebhookInfo & { secret: string }> {
    const org = await this.adminOf(principal, orgName);
    const checked = await checkWebhookTarget(dto.url, this.config.webhooks.allowedTargets);
    if ('problem' in checked) throw HubException.badRequest('invalid_webhook_url', checked.problem, [{ field: 'url', message: checked.problem }]);
    if ((await this.webhooks.list(org.id)).length >= MAX_WEBHOOKS_PER_ORG) {
      throw HubException.conflict(`'${org.name}' already has ${MAX_WEBHOOKS_PER_ORG} webhooks: delete one first`, 'too_many_webhooks');
    }
    const secret = dto.secret ?? `whsec_${randomBytes(32).toString('base64url')}`;
    const created = await this.webhooks.create({
      organizationId: org.id,
      url: dto.url,
      events: dto.events,
      secretCiphertext: await this.box.seal(secret),
      description: dto.description ?? '',
      createdById: principal.userId,
    });
    return { ...present(created, org), secret };
  }

  async delete(principal: Principal, orgName: string, id: string): Promise<void> {
    const org = await this.adminOf(principal, orgName);
    if (!(await this.webhooks.delete(org.id, id))) throw webhookNotFound(org, id);
  }

  async deliveries(principal: Principal, orgName: string, id: string, q: ListDeliveriesQuery): Promise<DeliveryInfo[]> {
    const org = await this.adminOf(principal, orgName);
    if (!(await this.webhooks.find(org.id, id))) throw webhookNotFound(org, id);
    return (await this.webhooks.deliveries(id, q.limit, q.status)).map(presentDelivery);
  }

  /**
   * Sends a delivery's body again as a new delivery (GitHub's model: a new id, `redelivery: true`),
   * so the original's log stays as it was. A delivery still pending is being retried already.
   */
  async redeliver(principal: Principal, orgName: string, id: string, deliveryId: string): Promise<DeliveryInfo> {
    const org = await this.adminOf(principal, orgName);
    if (!(await this.webhooks.find(org.id, id))) throw webhookNotFound(org, id);
    const original = await this.webhooks.findDelivery(id, deliveryId);
    if (!original) throw HubException.notFound(`Delivery ${deliveryId} not found for webhook ${id}`, 'delivery_not_found');
    if (original.status === 'pending') {
      throw HubException.conflict(
        `Delivery ${deliveryId} is still pending (it is retried until it succeeds or fails): redeliver it once it has settled`,
        'delivery_pending',
      );
    }
    const created = await this.webhooks.createRedelivery(original);
    await this.worker.enqueue([created.id]);
    return presentDelivery(created);
  }

  private async adminOf(principal: Principal, orgName: string): Promise<OrgRecord> {
    const org = await this.orgAccess.findOrThrow(orgName);
    await this.orgAccess.requireRole(principal, org, 'admin');
    return org;
  }
}

const webhookNotFound = (org: OrgRecord, id: string) => HubException.notFound(`Webhook ${id} not found in '${org.name}'`, 'webhook_not_found');
