import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../database/prisma.service';

export interface WebhookRecord {
  id: string;
  organizationId: string;
  url: string;
  events: string[];
  description: string;
  createdAt: Date;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface DeliveryAttempt {
  at: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface DeliveryRecord {
  id: string;
  webhookId: string;
  event: string;
  body: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  log: DeliveryAttempt[];
  deliveredAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** The delivery this one repeats, on a redelivery. */
  redeliveryOfId: string | null;
}

/** What the worker needs to send one delivery. */
export interface OutgoingDelivery {
  id: string;
  event: string;
  body: string;
  status: DeliveryStatus;
  attempts: number;
  url: string;
  /** The secret as stored: sealed (WebhookSecretBox), or in clear in a row not yet encrypted. */
  secret: { sealed: string } | { clear: string };
}

const select = { id: true, organizationId: true, url: true, events: true, description: true, createdAt: true } satisfies Prisma.WebhookSelect;

type DeliveryRow = Prisma.WebhookDeliveryGetPayload<object>;
const toDelivery = (d: DeliveryRow): DeliveryRecord => ({ ...d, log: d.log as unknown as DeliveryAttempt[] });

/** Attempts kept in a delivery's log (the oldest are dropped). */
const LOG_LIMIT = 20;

@Injectable()
export class WebhookRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: {
    organizationId: string;
    url: string;
    events: string[];
    secretCiphertext: string;
    description: string;
    createdById: string;
  }): Promise<WebhookRecord> {
    return this.prisma.webhook.create({ data, select });
  }

  list(organizationId: string): Promise<WebhookRecord[]> {
    return this.prisma.webhook.findMany({ where: { organizationId }, select, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }

  find(organizationId: string, id: string): Promise<WebhookRecord | null> {
    return this.prisma.webhook.findFirst({ where: { id, organizationId }, select });
  }

  /** Deletes the webhook with its deliveries (pending ones are then skipped by the worker). */
  async delete(organizationId: string, id: string): Promise<boolean> {
    return (await this.prisma.webhook.deleteMany({ where: { id, organizationId } })).count > 0;
  }

  /** Webhooks of these organizations subscribed to `event`. */
  subscribers(organizationIds: string[], event: string): Promise<{ id: string }[]> {
    return this.prisma.webhook.findMany({ where: { organizationId: { in: organizationIds }, events: { has: event } }, select: { id: true } });
  }

  /** One pending delivery per webhook, all with the same body; returns their ids. */
  async createDeliveries(webhookIds: string[], event: string, body: string): Promise<string[]> {
    const rows = await this.prisma.webhookDelivery.createManyAndReturn({
      data: webhookIds.map((webhookId) => ({ webhookId, event, body })),
      select: { id: true },
    });
    return rows.map((r) => r.id);
  }

  /** A new pending delivery of `original`'s event and body (a redelivery); returns its id. */
  async createRedelivery(original: DeliveryRecord): Promise<DeliveryRecord> {
    const row = await this.prisma.webhookDelivery.create({
      data: { webhookId: original.webhookId, event: original.event, body: original.body, redeliveryOfId: original.id },
    });
    return toDelivery(row);
  }

  async findDelivery(webhookId: string, id: string): Promise<DeliveryRecord | null> {
    const row = await this.prisma.webhookDelivery.findFirst({ where: { id, webhookId } });
    return row && toDelivery(row);
  }

  /** Newest first. */
  async deliveries(webhookId: string, take: number, status?: DeliveryStatus): Promise<DeliveryRecord[]> {
    const rows = await this.prisma.webhookDelivery.findMany({ where: { webhookId, status }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take });
    return rows.map(toDelivery);
  }

  async findOutgoing(id: string): Promise<OutgoingDelivery | null> {
    const d = await this.prisma.webhookDelivery.findUnique({
      where: { id },
      include: { webhook: { select: { url: true, secret: true, secretCiphertext: true } } },
    });
    if (!d) return null;
    const { secretCiphertext, secret } = d.webhook;
    return {
      id: d.id,
      event: d.event,
      body: d.body,
      status: d.status,
      attempts: d.attempts,
      url: d.webhook.url,
      secret: secretCiphertext ? { sealed: secretCiphertext } : { clear: secret ?? '' },
    };
  }

  /** Webhooks whose secret is still stored in clear (written before secrets were encrypted). */
  clearSecrets(take: number): Promise<{ id: string; secret: string }[]> {
    return this.prisma.$queryRaw`SELECT id::text, secret FROM webhooks WHERE secret IS NOT NULL LIMIT ${take}`;
  }

  /** Replaces a clear secret by its sealed form; a no-op when another replica did it first. */
  async sealSecret(id: string, clear: string, sealed: string): Promise<void> {
    await this.prisma.$executeRaw`UPDATE webhooks SET secret_ciphertext = ${sealed}, secret = NULL WHERE id = ${id}::uuid AND secret = ${clear}`;
  }

  /** Logs one attempt and moves the delivery to its new status. */
  async recordAttempt(id: string, attempt: DeliveryAttempt, status: DeliveryStatus): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const current = await tx.webhookDelivery.findUnique({ where: { id }, select: { log: true } });
      if (!current) return;
      const log = [...(current.log as unknown as DeliveryAttempt[]), attempt].slice(-LOG_LIMIT);
      await tx.webhookDelivery.update({
        where: { id },
        data: {
          status,
          attempts: { increment: 1 },
          lastStatusCode: attempt.statusCode,
          lastError: attempt.error,
          log: log as unknown as Prisma.InputJsonArray,
          deliveredAt: status === 'delivered' ? new Date(attempt.at) : undefined,
        },
      });
    });
  }
}
