/** Strings ↔ small integers, so facet counting is array indexing. */
export class Interner {
  private readonly ids = new Map<string, number>();
  readonly values: string[] = [];

  id(key: string): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.values.length;
      this.ids.set(key, id);
      this.values.push(key);
    }
    return id;
  }

  find(key: string): number | undefined {
    return this.ids.get(key);
  }

  get size(): number {
    return this.values.length;
  }
}
