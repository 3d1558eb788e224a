import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterPrisma, RateLimiterRes } from 'rate-limiter-flexible';
import { HUB_CONFIG, ResolvedHubConfig } from '../config/hub-config';
import { PrismaService } from '../database/prisma.service';

/**
 * Failed-login counters kept in PostgreSQL (rate-limiter-flexible's Prisma store), so the limit
 * holds across every hub process. One limiter counts per account, one per client address.
 */
@Injectable()
export class LoginRateLimitRepository {
  private readonly perAccount: RateLimiterPrisma;
  private readonly perAddress: RateLimiterPrisma;

  constructor(prisma: PrismaService, @Inject(HUB_CONFIG) config: ResolvedHubConfig) {
    const { maxFailuresPerAccount, maxFailuresPerAddress, windowSeconds } = config.loginRateLimit;
    const common = { storeClient: prisma, tableName: 'loginRateLimit', duration: windowSeconds, clearExpiredByTimeout: false };
    this.perAccount = new RateLimiterPrisma({ ...common, keyPrefix: 'login-account', points: maxFailuresPerAccount });
    this.perAddress = new RateLimiterPrisma({ ...common, keyPrefix: 'login-address', points: maxFailuresPerAddress });
  }

  /** Seconds until the caller may try again, or 0 when neither counter is exhausted. */
  async retryAfterSeconds(account: string, address: string): Promise<number> {
    const [a, b] = await Promise.all([this.perAccount.get(account), this.perAddress.get(address)]);
    const waits = [
      [a, this.perAccount.points],
      [b, this.perAddress.points],
    ]
      .filter(([res, points]) => res && (res as RateLimiterRes).consumedPoints >= (points as number))
      .map(([res]) => Math.ceil((res as RateLimiterRes).msBeforeNext / 1000));
    return waits.length ? Math.max(1, ...waits) : 0;
  }

  async recordFailure(account: string, address: string): Promise<void> {
    // consume() rejects once the points are used up; the count is what matters here.
    await Promise.all([this.perAccount.consume(account).catch(() => undefined), this.perAddress.consume(address).catch(() => undefined)]);
  }

  async clearAccount(account: string): Promise<void> {
    await this.perAccount.delete(account);
  }
}
