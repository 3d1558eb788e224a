/**
 * Values that depend only on their key and the current second, computed once per (key, second):
 * a presigned URL carries its signing time to the second (X-Amz-Date), so signing the same key
 * twice in one second gives the same URL, same expiry. Everything is dropped when the second
 * changes, so at most one second of keys is held; a failed computation is not kept.
 */
export class PerSecondMemo<V> {
  private second = -1;
  private values = new Map<string, Promise<V>>();

  get(key: string, compute: (second: number) => Promise<V>, now = Date.now()): Promise<V> {
    const second = Math.floor(now / 1000);
    if (second !== this.second) {
      this.second = second;
      this.values = new Map();
    }
    let value = this.values.get(key);
    if (!value) {
      const values = this.values;
      value = compute(second);
      values.set(key, value);
      value.catch(() => values.get(key) === value && values.delete(key));
    }
    return value;
  }
}
