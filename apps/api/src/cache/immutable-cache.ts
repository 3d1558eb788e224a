import { BoundedMap, SingleFlight } from './bounded-map';

/**
 * Values that never change once they exist (a commit's manifest rows, a blob's location, size and
 * git oid): kept without expiry, the least recently used dropped beyond `capacity`. `keep` says
 * whether a loaded value is final (e.g. not while a blob's git oid is still to be backfilled).
 */
export class ImmutableCache<V> {
  private readonly entries: BoundedMap<string, V>;
  private readonly flights = new SingleFlight<V>();

  constructor(capacity: number) {
    this.entries = new BoundedMap(capacity);
  }

  async get(key: string, load: () => Promise<V>, keep: (value: V) => boolean = () => true): Promise<V> {
    const hit = this.entries.get(key);
    if (hit !== undefined) return hit;
    const value = await this.flights.run(key, load);
    if (value !== undefined && keep(value)) this.entries.set(key, value);
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}
