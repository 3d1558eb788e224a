import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HUB_CONFIG, ResolvedHubConfig } from '../config/hub-config';
import { JobQueueService, SendOptions } from '../jobs/job-queue.service';
import { signWebhook } from './webhook-signature';
import { WebhookSecretBox } from './webhook-secret-box';
import { postToTarget } from './webhook-sender';
import { checkWebhookTarget } from './webhook-target';
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
    private readonly box: WebhookSecretBox,
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

  /**
   * One attempt. Returns the outcome; throws when the delivery should be retried. The target is
   * checked again now, on the addresses it resolves to (DNS rebinding), and the request goes to
   * the address checked. The log keeps the receiver's HTTP status when it answered; anything else
   * (refused target, no such host, connection or TLS error, timeout) is just "not delivered", so
   * webhooks cannot be used to learn about networks the hub can reach.
   */
  async deliver(deliveryId: string): Promise<{ status: DeliveryStatus | 'gone'; attempts?: number }> {
    const d = await this.webhooks.findOutgoing(deliveryId);
    // Deleted with its webhook, or settled by an earlier attempt whose job outlived it.
    if (!d || d.status !== 'pending') return { status: d?.status ?? 'gone' };
    const { timeoutSeconds, maxAttempts, allowedTargets } = this.config.webhooks;
    const timestamp = Math.floor(Date.now() / 1000).toString();
    const started = Date.now();
    let statusCode: number | null = null;
    let error: string | null = NOT_DELIVERED;
    let why = '';
    try {
      const checked = await checkWebhookTarget(d.url, allowedTargets);
      if ('problem' in checked) why = checked.problem;
      else if (!checked.target) why = 'its host does not resolve';
      else {
        const secret = 'sealed' in d.secret ? await this.box.open(d.secret.sealed) : d.secret.clear;
        const headers = {
          'Content-Type': 'application/json',
          'User-Agent': 'ModelHub-Webhooks/1.0',
          'X-Hub-Event': d.event,
          'X-Hub-Delivery': d.id,
          'X-Hub-Timestamp': timestamp,
          'X-Hub-Signature-256': signWebhook(secret, timestamp, d.body),
        };
        statusCode = await postToTarget(checked.target, headers, d.body, timeoutSeconds * 1000);
        // A redirect is not a delivery either: the receiver must answer at its URL.
        error = statusCode >= 200 && statusCode < 300 ? null : `The receiver answered HTTP ${statusCode}`;
      }
    } catch (err) {
      why =
        (err as Error)?.name === 'TimeoutError' || (err as Error)?.name === 'AbortError'
          ? `no answer within ${timeoutSeconds} s`
          : String((err as Error)?.message ?? err);
    }
    const attempts = d.attempts + 1;
    const status: DeliveryStatus = error === null ? 'delivered' : attempts >= maxAttempts ? 'failed' : 'pending';
    await this.webhooks.recordAttempt(d.id, { at: new Date().toISOString(), statusCode, error, durationMs: Date.now() - started }, status);
    // The reason goes to the hub's own log (operators), never to the API.
    if (why) this.logger.debug(`Webhook delivery ${d.id} attempt ${attempts} not delivered: ${why}`);
    if (status === 'failed') this.logger.warn(`Webhook delivery ${d.id} (${d.event}) failed after ${attempts} attempts${why ? `: ${why}` : `: ${error}`}`);
    if (status === 'pending') throw new Error(`Webhook delivery ${d.id} attempt ${attempts} failed: ${error}`);
    return { status, attempts };
  }
}

/** All the delivery log says about a target that gave no HTTP answer. */
export const NOT_DELIVERED = 'not delivered';
