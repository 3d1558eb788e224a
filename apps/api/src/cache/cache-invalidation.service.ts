import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import { HUB_CONFIG, ResolvedHubConfig } from '../config/hub-config';
import { CACHE_CHANNEL, decodeNotice, encodeNotice, InvalidationEvent, InvalidationEvents, tagsOf } from './invalidation-events';
import { MovingCache } from './moving-cache';

/** What runs the NOTIFY: PrismaService, or the transaction that made the change (then it goes out when that commits). */
export interface NoticeRunner {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

const HEARTBEAT_MS = 5_000;
const RECONNECT_FIRST_MS = 100;
const RECONNECT_MAX_MS = 2_000;

/**
 * Keeps the moving caches of this process true to the database for every replica: writers
 * `publish` what they changed (a PostgreSQL NOTIFY, delivered to every listening replica when the
 * writing transaction commits, typically within milliseconds), and a dedicated connection LISTENs.
 * While that connection is down the caches are off (every read goes to the database); after it
 * comes back every moving cache is dropped, since notices may have been missed in between.
 */
@Injectable()
export class CacheInvalidation implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('CacheInvalidation');
  private readonly caches: MovingCache<unknown>[] = [];
  private client: Client | null = null;
  private listening = false;
  private stopped = false;
  private reconnectDelay = RECONNECT_FIRST_MS;
  private heartbeat: NodeJS.Timeout | null = null;
  private retry: NodeJS.Timeout | null = null;

  constructor(@Inject(HUB_CONFIG) private readonly config: ResolvedHubConfig) {}

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.goDeaf();
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  /** Whether every change made anywhere reaches this process now (the caches are on). */
  get isListening(): boolean {
    return this.listening;
  }

  /** A cache whose entries `publish` (from any replica) drops by tag. */
  movingCache<V>(name: string, capacity: number): MovingCache<V> {
    const cache = new MovingCache<V>(name, capacity, () => this.listening);
    this.caches.push(cache as MovingCache<unknown>);
    return cache;
  }

  /**
   * Announces a change: drops the entries here at once and tells every replica. Run it with the
   * transaction that makes the change when there is one (the notice then leaves exactly when the
   * change commits), and call `dropLocal` again once that transaction has committed, so that a
   * read of this process between the two cannot keep the old value.
   */
  async publish<E extends InvalidationEvent>(runner: NoticeRunner, event: E, payload: InvalidationEvents[E]): Promise<void> {
    this.dropLocal(event, payload);
    await runner.$executeRawUnsafe('SELECT pg_notify($1, $2)', CACHE_CHANNEL, encodeNotice(event, payload));
  }

  dropLocal<E extends InvalidationEvent>(event: E, payload: InvalidationEvents[E]): void {
    const tags = tagsOf(event, payload);
    for (const cache of this.caches) cache.invalidate(tags);
  }

  private dropAll(): void {
    for (const cache of this.caches) cache.clear();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.config.databaseUrl, keepAlive: true, application_name: 'hub-cache-listener' });
    client.on('notification', (message) => {
      if (message.channel !== CACHE_CHANNEL || !message.payload) return;
      const notice = decodeNotice(message.payload);
      if (notice) this.dropLocal(notice.event, notice.payload);
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${CACHE_CHANNEL}`);
    } catch (err) {
      this.lost(client, err as Error);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    // Anything cached before (or while) the connection was down may have missed its notice.
    this.dropAll();
    this.listening = true;
    this.reconnectDelay = RECONNECT_FIRST_MS;
    this.heartbeat = setInterval(() => {
      // A connection that died without an error (a dropped network path) fails this.
      client.query('SELECT 1').catch((err: Error) => this.lost(client, err));
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  private lost(client: Client, err: Error): void {
    if (this.stopped) return;
    if (this.client !== null && this.client !== client) return;
    const wasListening = this.listening;
    this.goDeaf();
    this.client = null;
    client.removeAllListeners('end');
    client.removeAllListeners('error');
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    if (wasListening) this.logger.warn(`Cache notifications lost (${err.message}); caches off until reconnected`);
    if (this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, this.reconnectDelay);
    this.retry.unref();
    this.reconnectDelay = Math.min(this.reconnectDelay * 2, RECONNECT_MAX_MS);
  }

  private goDeaf(): void {
    this.listening = false;
    this.dropAll();
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    if (this.stopped && this.retry) clearTimeout(this.retry);
  }
}
