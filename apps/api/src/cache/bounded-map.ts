/** A Map that forgets its least recently used entry beyond `capacity` (caches stay bounded without expiry). */
export class BoundedMap<K, V> {
  private readonly map = new Map<K, V>();

  constructor(
    readonly capacity: number,
    private readonly onEvict: (key: K, value: V) => void = () => undefined,
  ) {}

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      // Re-inserting moves the entry to the end: Map keeps insertion order, the first key is the coldest.
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    const old = this.map.get(key);
    if (old !== undefined) {
      this.map.delete(key);
      this.onEvict(key, old);
    }
    this.map.set(key, value);
    while (this.map.size > this.capacity) {
      const [coldKey, coldValue] = this.map.entries().next().value as [K, V];
      this.map.delete(coldKey);
      this.onEvict(coldKey, coldValue);
    }
  }

  delete(key: K): void {
    const old = this.map.get(key);
    if (old === undefined) return;
    this.map.delete(key);
    this.onEvict(key, old);
  }

  clear(): void {
    this.map.clear();
  }
}

/**
 * One load per key at a time: concurrent misses (a cluster of workers starting at once) share it.
 * `forget` drops the loads in flight, so that a caller arriving after an invalidation starts its own.
 */
export class SingleFlight<V> {
  private readonly loads = new Map<string, Promise<V>>();

  run(key: string, load: () => Promise<V>): Promise<V> {
    const running = this.loads.get(key);
    if (running) return running;
    const started = load().finally(() => {
      if (this.loads.get(key) === started) this.loads.delete(key);
    });
    this.loads.set(key, started);
    return started;
  }

  forget(): void {
    this.loads.clear();
  }
}
