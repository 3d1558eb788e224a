import { BoundedMap, SingleFlight } from './bounded-map';

interface Entry<V> {
  value: V;
  tags: readonly string[];
}

/**
 * Values that change (tokens, memberships, model settings, refs, grants), cached only while every
 * change reaches this process: CacheInvalidation drops the entries tagged with what changed, and
 * turns the cache off (every read goes to the database) while its notification connection is down.
 *
 * A load that was running when an invalidation arrived may have read the old row: its result is
 * returned but not kept (the generation moved), so an invalidation can never be undone by a slow
 * read.
 */
export class MovingCache<V> {
  private readonly entries: BoundedMap<string, Entry<V>>;
  private readonly byTag = new Map<string, Set<string>>();
  private readonly flights = new SingleFlight<V>();
  private generation = 0;

  constructor(
    readonly name: string,
    capacity: number,
    private readonly active: () => boolean,
  ) {
    this.entries = new BoundedMap(capacity, (key, entry) => this.unindex(key, entry.tags));
  }

  /**
   * The cached value, or `load`'s. `tags` names what the value was read from (see
   * invalidation-events.ts `tag`); null: do not keep it (e.g. nothing found).
   */
  async get(key: string, load: () => Promise<V>, tags: (value: V) => readonly string[] | null): Promise<V> {
    if (!this.active()) return load();
    const hit = this.entries.get(key);
    if (hit) return hit.value;
    const generation = this.generation;
    const value = await this.flights.run(key, load);
    const valueTags = tags(value);
    if (valueTags && generation === this.generation && this.active()) {
      this.entries.set(key, { value, tags: valueTags });
      for (const t of valueTags) {
        let keys = this.byTag.get(t);
        if (!keys) this.byTag.set(t, (keys = new Set()));
        keys.add(key);
      }
    }
    return value;
  }

  /** Drops one entry (e.g. a token found expired). */
  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Drops every entry carrying one of `tags`. */
  invalidate(tags: readonly string[]): void {
    this.generation++;
    this.flights.forget();
    for (const t of tags) for (const key of [...(this.byTag.get(t) ?? [])]) this.entries.delete(key);
  }

  clear(): void {
    this.generation++;
    this.flights.forget();
    this.entries.clear();
    this.byTag.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private unindex(key: string, tags: readonly string[]): void {
    for (const t of tags) {
      const keys = this.byTag.get(t);
      keys?.delete(key);
      if (keys?.size === 0) this.byTag.delete(t);
    }
  }
}
