import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import PgBoss from 'pg-boss';
import { setTimeout as sleep } from 'node:timers/promises';
import { HUB_CONFIG, ResolvedHubConfig } from '../config/hub-config';

/** How long a close waits for jobs still running after pg-boss's own stop gave up on them. */
const HANDLER_STOP_GRACE_MS = 15_000;

/** The PostgreSQL schema pg-boss keeps its tables in (created at first start). */
export const JOBS_SCHEMA = 'pgboss';

export interface JobContext {
  id: string;
  name: string;
}

/** Handles one job; what it returns is kept as the job's output. Throwing fails (and retries) it. */
export type JobHandler<T extends object> = (data: T, job: JobContext) => Promise<unknown>;

export interface RegisterOptions {
  /** How often an idle worker looks for jobs (default 2 s; at least 0.5 s). */
  pollingIntervalSeconds?: number;
  /** Retries after a failure (default 2), `retryDelay` seconds apart. */
  retryLimit?: number;
  retryDelay?: number;
  /** A job running longer than this is failed (default 15 minutes). */
  expireInSeconds?: number;
  /** `singleton`/`stately` keep one job of the queue queued or running at a time. */
  policy?: 'standard' | 'short' | 'singleton' | 'stately';
}

export type SendOptions = PgBoss.SendOptions;

export interface JobOutcome {
  id: string;
  state: 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';
  output: unknown;
}

/**
 * The job queue shared by housekeeping, licensing and discovery: pg-boss 10 on the hub's own
 * PostgreSQL (schema `pgboss`), so every replica shares one queue and a job runs once whichever
 * replica picks it up. Starts with the application and stops with it (in-flight jobs get a few
 * seconds to finish). With JOBS_ENABLED=false the process still enqueues jobs but runs no worker,
 * no schedule and no maintenance.
 */
@Injectable()
export class JobQueueService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Jobs');
  private readonly boss: PgBoss;
  /** Set by the first caller: the module's init hook, or a module registering jobs in its own init. */
  private starting?: Promise<void>;
  private readonly queues = new Map<string, Promise<void>>();
  /** This process's worker of each queue, woken up by `runNow` instead of waiting for its poll. */
  private readonly workers = new Map<string, string>();
  /** Handlers running in this process, awaited at shutdown. */
  private readonly running = new Set<Promise<unknown>>();

  constructor(@Inject(HUB_CONFIG) private readonly config: ResolvedHubConfig) {
    const enabled = config.jobsEnabled;
    this.boss = new PgBoss({
      connectionString: config.databaseUrl,
      schema: JOBS_SCHEMA,
      application_name: 'model-hub-jobs',
      max: Math.min(4, config.databasePoolSize),
      supervise: enabled,
      schedule: enabled,
    });
    this.boss.on('error', (err) => this.logger.error({ err }, 'Job queue error'));
  }

  get enabled(): boolean {
    return this.config.jobsEnabled;
  }

  async onModuleInit(): Promise<void> {
    await this.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.boss.stop({ graceful: true, wait: true, timeout: 5_000 });
    // pg-boss stops waiting after its timeout, and a worker may still start a job it fetched as the
    // stop began: wait for those handlers (bounded), so no job of this process outlives its close
    // (pg-boss's own monitor of a worker still running keeps polling after the process let it go).
    if (!this.running.size) return;
    await Promise.race([Promise.allSettled([...this.running]), sleep(HANDLER_STOP_GRACE_MS)]);
    await sleep(100); // the worker loops notice their last job ended and stop
  }

  /**
   * Runs `handler` for every job of queue `name` (jobs one at a time per process). Without
   * JOBS_ENABLED only the queue is created. Safe to call from another module's onModuleInit.
   */
  async register<T extends object>(name: string, handler: JobHandler<T>, opts: RegisterOptions = {}): Promise<void> {
    await this.ensureQueue(name);
    // The queue may exist from an earlier start or an early `send`: its options are the handler's.
    await this.boss.updateQueue(name, queueOptions(name, opts));
    if (!this.enabled) return;
    // pg-boss checks the key's presence, not its value: no `pollingIntervalSeconds: undefined`.
    const workOptions: PgBoss.WorkOptions = { batchSize: 1, ...(opts.pollingIntervalSeconds ? { pollingIntervalSeconds: opts.pollingIntervalSeconds } : {}) };
    const workerId = await this.boss.work<T>(name, workOptions, async ([job]) => {
      const run = handler(job.data, { id: job.id, name: job.name });
      this.running.add(run);
      try {
        return await run;
      } finally {
        this.running.delete(run);
      }
    });
    this.workers.set(name, workerId);
  }

  /** Enqueues a job; returns its id (null when a singleton policy dropped it). */
  async send<T extends object>(name: string, data: T = {} as T, opts: SendOptions = {}): Promise<string | null> {
    await this.ensureQueue(name);
    return this.boss.send(name, data, opts);
  }

  /**
   * Enqueues a job of queue `name` on a cron schedule (5 fields, UTC), replacing an earlier
   * schedule of that queue. Schedules live in the database: one replica enqueues each tick.
   */
  async schedule<T extends object>(name: string, cron: string, data: T = {} as T, opts: SendOptions = {}): Promise<void> {
    await this.ensureQueue(name);
    await this.boss.schedule(name, cron, data, { tz: 'UTC', ...opts });
  }

  /** The job's state and output (null when unknown or already archived away). */
  async get(name: string, id: string): Promise<JobOutcome | null> {
    await this.start();
    const job = await this.boss.getJobById(name, id);
    return job ? { id: job.id, state: job.state, output: job.output } : null;
  }

  /**
   * Enqueues a job and waits until a worker (of any replica) has finished it. For operators and
   * tests that want housekeeping now rather than at its next scheduled time.
   */
  async runNow<T extends object>(name: string, data: T = {} as T, timeoutMs = 120_000): Promise<JobOutcome> {
    const id = await this.send(name, data, { retryLimit: 0 });
    if (!id) throw new Error(`The job queue refused a job of '${name}'`);
    const worker = this.workers.get(name);
    if (worker) this.boss.notifyWorker(worker);
    const deadline = Date.now() + timeoutMs;
    for (let delay = 25; ; delay = Math.min(delay * 2, 500)) {
      const job = await this.get(name, id);
      if (job && (job.state === 'completed' || job.state === 'failed' || job.state === 'cancelled')) return job;
      if (Date.now() > deadline) throw new Error(`Job ${name} ${id} did not finish within ${timeoutMs} ms (state: ${job?.state ?? 'unknown'})`);
      await sleep(delay);
    }
  }

  /**
   * Starts pg-boss once. Other modules may register their jobs from their own onModuleInit,
   * which Nest can run before this module's: whoever comes first starts the queue, rather than
   * waiting for a hook that runs after it.
   */
  private start(): Promise<void> {
    this.starting ??= this.boss.start().then(() => undefined);
    return this.starting;
  }

  private ensureQueue(name: string): Promise<void> {
    let created = this.queues.get(name);
    if (!created) {
      created = this.start().then(() => this.boss.createQueue(name, queueOptions(name, {})));
      created.catch(() => this.queues.delete(name));
      this.queues.set(name, created);
    }
    return created;
  }
}

function queueOptions(name: string, opts: RegisterOptions): PgBoss.Queue {
  return {
    name,
    policy: opts.policy ?? 'standard',
    retryLimit: opts.retryLimit ?? 2,
    retryDelay: opts.retryDelay ?? 30,
    expireInSeconds: opts.expireInSeconds ?? 15 * 60,
  };
}
