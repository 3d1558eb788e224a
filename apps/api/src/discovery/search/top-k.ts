import type { CatalogRow } from './catalog-types';

/**
 * The `limit` most frequent values, count descending then value ascending. A small sorted array
 * kept while scanning: namespaces number in the thousands and only 20 are shown.
 */
export function topValues(counts: Uint32Array, values: string[], limit: number): { value: string; count: number }[] {
  const top: { value: string; count: number }[] = [];
  const before = (a: { value: string; count: number }, b: { value: string; count: number }) => a.count > b.count || (a.count === b.count && a.value < b.value);
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i];
    if (count === 0 || (top.length === limit && count < top[limit - 1].count)) continue;
    const item = { value: values[i], count };
    if (top.length === limit && !before(item, top[limit - 1])) continue;
    let at = top.length;
    while (at > 0 && before(item, top[at - 1])) at--;
    top.splice(at, 0, item);
    if (top.length > limit) top.pop();
  }
  return top;
}

/**
 * The k best slots (highest sort value, then highest id) without sorting the whole match set:
 * a min-heap whose root is the worst slot kept.
 */
export class TopK {
  private readonly heap: number[] = [];
  /** The value of the worst slot kept once k are kept (anything below cannot enter). */
  floor = -Infinity;

  constructor(
    private readonly k: number,
    private readonly value: (slot: number) => number,
    private readonly rows: CatalogRow[],
  ) {}

  /** a ranks after b (is worse). */
  private worse(a: number, b: number): boolean {
    const va = this.value(a);
    const vb = this.value(b);
    return va < vb || (va === vb && this.rows[a].id < this.rows[b].id);
  }

  offer(slot: number): void {
    const h = this.heap;
    if (h.length < this.k) {
      h.push(slot);
      let i = h.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.worse(h[i], h[parent])) break;
        [h[i], h[parent]] = [h[parent], h[i]];
        i = parent;
      }
      if (h.length === this.k) this.floor = this.value(h[0]);
      return;
    }
    if (this.k === 0 || !this.worse(h[0], slot)) return;
    h[0] = slot;
    this.siftDown();
  }

  private siftDown(): void {
    const h = this.heap;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.worse(h[l], h[m])) m = l;
      if (r < h.length && this.worse(h[r], h[m])) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
    this.floor = this.value(h[0]);
  }

  sorted(): number[] {
    return [...this.heap].sort((a, b) => (this.worse(a, b) ? 1 : this.worse(b, a) ? -1 : 0));
  }
}
