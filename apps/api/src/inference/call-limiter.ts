import { HttpStatus, Injectable } from '@nestjs/common';
import { HubException } from '../common/hub-exception';

export interface CallLimits {
  /** Calls that run at once. */
  concurrency: number;
  /** Calls that may wait for a slot; the rest are refused with 429. */
  queue: number;
  /** A call that has not finished by then gets 504 and gives its slot back. */
  timeoutMs: number;
}

/**
 * Per deployment and process: at most `concurrency` calls run, at most `queue` wait in order,
 * the rest get 429 with Retry-After (an estimate from the recent call time). A call over its
 * timeout gets 504 and frees its slot at once; onnxruntime cannot cancel a running `run`, so its
 * thread finishes in the background, but no caller waits for it.
 */
export class CallLimiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** Moving average of call time, for Retry-After. */
  private averageMs = 50;

  constructor(private limits: CallLimits) {}

  update(limits: CallLimits): void {
    this.limits = limits;
  }

  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  /** `graceMs`: for work that enforces the timeout itself with a better message (the remote backend); this one is the backstop. */
  async run<T>(work: () => Promise<T>, graceMs = 0): Promise<T> {
    const startedAt = Date.now();
    await this.acquire();
    let timer: NodeJS.Timeout | undefined;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    };
    try {
      const timeout = new Promise<never>((_, reject) => {
        const left = this.limits.timeoutMs + graceMs - (Date.now() - startedAt);
        timer = setTimeout(
          () => {
            release();
            reject(
              new HubException(
                HttpStatus.GATEWAY_TIMEOUT,
                'inference_timeout',
                `The call did not finish within the deployment's timeout of ${this.limits.timeoutMs} ms`,
              ),
            );
          },
          Math.max(0, left),
        );
      });
      const result = await Promise.race([work(), timeout]);
      this.averageMs = this.averageMs * 0.9 + (Date.now() - startedAt) * 0.1;
      return result;
    } finally {
      clearTimeout(timer);
      release();
    }
  }

  private acquire(): Promise<void> {
    if (this.running < this.limits.concurrency) {
      this.running++;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.limits.queue) {
      const retryAfter = Math.max(1, Math.ceil((this.averageMs * (this.waiting.length + 1)) / this.limits.concurrency / 1000));
      throw new HubException(
        HttpStatus.TOO_MANY_REQUESTS,
        'queue_full',
        `The deployment is busy: ${this.running} calls running and ${this.waiting.length} waiting (its limits: concurrency ${this.limits.concurrency}, queue ${this.limits.queue}); retry in ${retryAfter} s`,
        { headers: { 'Retry-After': String(retryAfter) } },
      );
    }
    // The slot passes straight from the finishing call to the waiter, so `running` stays counted.
    return new Promise((resolve) => this.waiting.push(() => resolve()));
  }
}

/** This process's limiter of each deployment (embedded and remote alike). */
@Injectable()
export class CallLimiters {
  private readonly limiters = new Map<string, CallLimiter>();

  of(deployment: { id: string; limits: CallLimits }): CallLimiter {
    let limiter = this.limiters.get(deployment.id);
    if (!limiter) this.limiters.set(deployment.id, (limiter = new CallLimiter(deployment.limits)));
    else limiter.update(deployment.limits);
    return limiter;
  }

  forget(deploymentId: string): void {
    this.limiters.delete(deploymentId);
  }
}
