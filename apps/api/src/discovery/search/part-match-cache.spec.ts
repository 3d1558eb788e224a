import { FetchedPart, intersect, PartMatchCache, PartMatches } from './part-match-cache';

/** A part as PostgreSQL returns it: documents in ascending order. */
const fetched = (xmin: number, matches: Record<number, number>): FetchedPart => ({
  xmin: BigInt(xmin),
  docs: Object.keys(matches).map(Number),
  ranks: Object.values(matches),
});
const entries = (part: PartMatches | undefined) => (part ? [...part.docs].map((doc, i) => [doc, Math.round(part.ranks[i] * 100) / 100]) : undefined);
const part = (docs: number[], ranks: number[]): PartMatches => ({ docs: Int32Array.from(docs), ranks: Float32Array.from(ranks) });

describe('PartMatchCache', () => {
  it('fetches a part once, however many searches ask for it at the same time', async () => {
    const cache = new PartMatchCache();
    const fetch = jest.fn(async () => fetched(10, { 2: 0.25, 5: 0.5 }));
    const [first, second] = await Promise.all([cache.get("'x':*", fetch), cache.get("'x':*", fetch)]);
    expect(first).toBe(second);
    expect(entries(first)).toEqual([
      [2, 0.25],
      [5, 0.5],
    ]);
    expect(await cache.get("'x':*", fetch)).toBe(first);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('reports the oldest snapshot it read parts in, once', async () => {
    const cache = new PartMatchCache();
    await cache.get('p', async () => fetched(30, {}));
    await cache.get('q', async () => fetched(20, {}));
    expect(cache.takeUncoveredXmin()).toBe(20n);
    expect(cache.takeUncoveredXmin()).toBeNull();
  });

  it('follows changed documents into and out of each part, and drops deleted models', async () => {
    const cache = new PartMatchCache();
    await cache.get('p', async () => fetched(1, { 1: 0.1, 2: 0.2 }));
    await cache.get('q', async () => fetched(1, { 1: 0.3 }));
    const parts = cache.snapshot();
    // 1 leaves p and stays in q with a new rank; 3 joins p; 2's document is gone.
    cache.applyRematch(
      parts,
      [1, 2, 3],
      [
        { doc: 1, ranks: [-1, 0.4] },
        { doc: 3, ranks: [0.7, -1] },
      ],
    );
    expect(entries(cache.peek('p'))).toEqual([[3, 0.7]]);
    expect(entries(cache.peek('q'))).toEqual([[1, 0.4]]);
    cache.remove([1]);
    expect(entries(cache.peek('q'))).toEqual([]);
  });

  it('merges changes anywhere in a part, keeping document order', async () => {
    const cache = new PartMatchCache();
    await cache.get('p', async () => fetched(1, { 2: 0.2, 4: 0.4, 6: 0.6, 8: 0.8 }));
    cache.applyRematch(
      cache.snapshot(),
      [9, 1, 6, 5, 8, 3],
      [
        { doc: 1, ranks: [0.1] },
        { doc: 5, ranks: [0.5] },
        { doc: 6, ranks: [-1] },
        { doc: 8, ranks: [0.9] },
        { doc: 9, ranks: [0.95] },
      ],
    );
    expect(entries(cache.peek('p'))).toEqual([
      [1, 0.1],
      [2, 0.2],
      [4, 0.4],
      [5, 0.5],
      [8, 0.9],
      [9, 0.95],
    ]);
  });

  it('does not apply a rematch to a part fetched again meanwhile', async () => {
    const cache = new PartMatchCache();
    await cache.get('p', async () => fetched(1, { 1: 0.1 }));
    const parts = cache.snapshot();
    cache.clear();
    await cache.get('p', async () => fetched(5, { 1: 0.1 }));
    cache.applyRematch(parts, [1], []);
    expect(entries(cache.peek('p'))).toEqual([[1, 0.1]]);
  });
});

describe('intersect', () => {
  it('keeps the models in every part, with their mean rank', () => {
    const out = intersect([part([1, 2, 3, 9], [0.2, 0.4, 1, 0]), part([2, 3], [0.6, 0])]);
    expect(entries(out)).toEqual([
      [2, 0.5],
      [3, 0.5],
    ]);
    expect(intersect([]).docs.length).toBe(0);
  });
});
