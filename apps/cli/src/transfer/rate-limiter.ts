/** A token bucket shared by every transfer of a command (`--limit-rate`): bytes per second. */
export class RateLimiter {
  private available: number;
  private last = Date.now();

  constructor(readonly bytesPerSecond: number) {
    this.available = bytesPerSecond / 10;
  }

  /** Waits until `n` bytes may pass. */
  async take(n: number): Promise<void> {
    for (;;) {
      const now = Date.now();
      this.available = Math.min(this.bytesPerSecond, this.available + ((now - this.last) / 1000) * this.bytesPerSecond);
      this.last = now;
      if (this.available >= n || this.available >= this.bytesPerSecond) {
        this.available -= n;
        return;
      }
      await new Promise((r) => setTimeout(r, Math.max(5, ((n - this.available) / this.bytesPerSecond) * 1000)));
    }
  }
}
