import { HubException } from '../common/hub-exception';
import { CallLimiter } from './call-limiter';
import { fromHalfBits, toHalfBits } from './tensor-codec';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('CallLimiter', () => {
  it('runs at most `concurrency` calls, queues `queue`, refuses the rest with 429 and Retry-After', async () => {
    const limiter = new CallLimiter({ concurrency: 1, queue: 1, timeoutMs: 10_000 });
    const first = deferred();
    const running = limiter.run(() => first.promise);
    const queued = limiter.run(() => Promise.resolve('second'));
    expect(limiter.load).toEqual({ running: 1, waiting: 1 });
    const refused = await limiter.run(() => Promise.resolve('third')).catch((e: HubException) => e);
    expect(refused).toBeInstanceOf(HubException);
    expect((refused as HubException).getStatus()).toBe(429);
    expect(Number((refused as HubException).extras.headers!['Retry-After'])).toBeGreaterThanOrEqual(1);
    first.resolve();
    await running;
    await expect(queued).resolves.toBe('second');
    expect(limiter.load).toEqual({ running: 0, waiting: 0 });
  });

  it('a call over its timeout is refused with 504 and its slot goes to the next call at once', async () => {
    const limiter = new CallLimiter({ concurrency: 1, queue: 1, timeoutMs: 20 });
    const never = new Promise<never>(() => undefined);
    const slow = limiter.run(() => never).catch((e: HubException) => e.getStatus());
    const next = limiter.run(() => Promise.resolve('next'));
    expect(await slow).toBe(504);
    await expect(next).resolves.toBe('next');
  });
});

describe('FP16 conversion', () => {
  it.each([0, 1, -2, 0.5, 65504, 6.103515625e-5, 5.960464477539063e-8, Infinity, -Infinity])('%p survives the round trip', (v) => {
    expect(fromHalfBits(toHalfBits(v))).toBe(v);
  });
  it('rounds to the nearest half and overflows to infinity', () => {
    expect(fromHalfBits(toHalfBits(0.1))).toBeCloseTo(0.0999755859375, 12);
    expect(fromHalfBits(toHalfBits(1e6))).toBe(Infinity);
    expect(Number.isNaN(fromHalfBits(toHalfBits(NaN)))).toBe(true);
  });
});
