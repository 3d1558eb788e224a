import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HUB_CONFIG, ResolvedHubConfig } from '../config/hub-config';
import { JobQueueService, SendOptions } from '../jobs/job-queue.service';
import { signWebhook } from './webhook-signature';
import { webhookTargetProblem } from './webhook-target';
import { DeliveryStatus, WebhookRepository } from './webhook.repository';

export const WEBHOOK_DELIVERY_QUEUE = 'webhook-delivery';

export interface DeliveryJob {
  deliveryId: string;
}

/**
 * Sends webhook deliveries from the PostgreSQL job queue. Each delivery is one job: an attempt
 * that fails (no answer within the timeout, or a status other than 2xx) throws, and pg-boss
 * retries it with exponential backoff; the delivery row counts the attempts and is the authority
 * on when to give up (WEBHOOK_MAX_ATTEMPTS). Jobs and rows live in PostgreSQL, so a delivery
 * pending when the hub stops is sent after it starts again, by whichever replica runs jobs.
 */
@Injectable()
export class WebhookDeliveryWorker implements OnApplicationBootstrap {
  private readonly logger = new Logger('Webhooks');

  constructor(
    private readonly jobs: JobQueueService,
    private readonly webhooks: WebhookRepository,
    @Inject(HUB_CONFIG) private readonly config: ResolvedHubConfig,
  ) {}

  // After every module's init: this module is global, so its init would run before the job queue has started.
  async onApplicationBootstrap(): Promise<void> {
    const { timeoutSeconds, maxAttempts, retryDelaySeconds } = this.config.webhooks;
    await this.jobs.register<DeliveryJob>(WEBHOOK_DELIVERY_QUEUE, (job) => this.deliver(job.deliveryId), {
      pollingIntervalSeconds: 1,
      // Slack over maxAttempts: a crashed attempt (expired job) also uses a retry.
      retryLimit: maxAttempts + 2,
      retryDelay: retryDelaySeconds,
      expireInSeconds: timeoutSeconds + 60,
    });
  }

  /** Queues the first attempt of each delivery. */
  async enqueue(deliveryIds: string[]): Promise<void> {
    const { maxAttempts, retryDelaySeconds, timeoutSeconds } = this.config.webhooks;
    const options: SendOptions = { retryLimit: maxAttempts + 2, retryDelay: retryDelaySeconds, retryBackoff: true, expireInSeconds: timeoutSeconds + 60 };
    for (const deliveryId of deliveryIds) await this.jobs.send<DeliveryJob>(WEBHOOK_DELIVERY_QUEUE, { deliveryId }, options);
  }

  /** One attempt. Returns the outcome; throws when the delivery should be retried. */
  async deliver(deliveryId: string): Promise<{ status: DeliveryStatus | 'gone'; attempts?: number }> {
    const d = await this.webhooks.findOutgoing(deliveryId);
    // Deleted with its webhook, or settled by an earlier attempt whose job outlived it.
    if (!d || d.status !== 'pending') return { status: d?.status ?? 'gone' };
    const { timeoutSeconds, maxAttempts, allowPrivateTargets } = this.config.webhooks;
    const timestamp = Math.floor(Date.now() / 1000).toString();
    const started = Date.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const problem = await webhookTargetProblem(d.url, allowPrivateTargets);
      if (problem) throw new Error(problem);
      const res = await fetch(d.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'ModelHub-Webhooks/1.0',
          'X-Hub-Event': d.event,
          'X-Hub-Delivery': d.id,
          'X-Hub-Timestamp': timestamp,
          'X-Hub-Signature-256': signWebhook(d.secret, timestamp, d.body),
        },
        body: d.body,
        // A redirect is not a delivery: the receiver must answer at its URL.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutSeconds * 1000),
      });
      statusCode = res.status;
      await res.body?.cancel().catch(() => undefined);
      if (res.status < 200 || res.status >= 300) error = `The receiver answered HTTP ${res.status}`;
    } catch (err) {
      error = describe(err, timeoutSeconds);
    }
    const attempts = d.attempts + 1;
    const status: DeliveryStatus = error === null ? 'delivered' : attempts >= maxAttempts ? 'failed' : 'pending';
    await this.webhooks.recordAttempt(d.id, { at: new Date().toISOString(), statusCode, error, durationMs: Date.now() - started }, status);
    if (status === 'failed') this.logger.warn(`Webhook delivery ${d.id} (${d.event}) failed after ${attempts} attempts: ${error}`);
    if (status === 'pending') throw new Error(`Webhook delivery ${d.id} attempt ${attempts} failed: ${error}`);
    return { status, attempts };
  }
}

function describe(err: unknown, timeoutSeconds: number): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return `No answer within ${timeoutSeconds} s`;
  const cause = e?.cause?.code ?? e?.cause?.message;
  return cause ? `${e.message} (${cause})` : String(e?.message ?? err);
}
