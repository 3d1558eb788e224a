/**
 * The models matching one query part: document numbers (model_search_docs.doc_no) in ascending order,
 * with the part's ts_rank for each. Typed arrays: a broad word matches 20,000 models, and a
 * search walks them at memory speed rather than through a Map of id strings.
 */
export interface PartMatches {
  readonly docs: Int32Array;
  readonly ranks: Float32Array;
}

/** One part's matches as PostgreSQL returned them, with the snapshot they were read in. */
export interface FetchedPart {
  /** Snapshot xmin of the read: documents written by later transactions may be missing. */
  xmin: bigint;
  /** Ascending. */
  docs: number[];
  ranks: number[];
}

/** A changed document matched again against every cached part: rank per part, -1 no match. */
export interface RematchedDocument {
  doc: number;
  ranks: number[];
}

/** A cached part as `snapshot` lists it. */
export interface CachedPart {
  tsquery: string;
  matches: PartMatches;
}

/** Most parts kept, and most matches kept over all parts (8 bytes each). */
export const MAX_PARTS = 512;
export const MAX_MATCHES = 4_000_000;

/**
 * The matches of recent query parts (a word's prefix term with its corrections, a CJK run), kept
 * exact: PostgreSQL matches a part once through its GIN index, then every refresh of the search
 * index matches the documents written since against the cached parts (`applyRematch`), and
 * deleted models leave. A broad word (`chat`: 20,000 of 100,000 models) thus costs its index scan
 * once rather than at every search. Least recently used parts go first when a limit is reached.
 *
 * Consistency: a part read in a snapshot older than the index's next refresh could miss a document
 * written in between, so every fetch reports its snapshot xmin and the next refresh re-reads the
 * documents written since the oldest such xmin (`takeUncoveredXmin`). Matching a document again is
 * idempotent, so overlapping windows are harmless.
 */
export class PartMatchCache {
  private readonly parts = new Map<string, PartMatches>();
  private readonly loading = new Map<string, Promise<PartMatches>>();
  private matches = 0;
  private uncoveredXmin: bigint | null = null;

  get size(): number {
    return this.parts.size;
  }

  /** Matches kept over all parts. */
  get matchCount(): number {
    return this.matches;
  }

  /** The matches of a part, fetched once however many searches ask at the same time. */
  async get(tsquery: string, fetch: (tsquery: string) => Promise<FetchedPart>): Promise<PartMatches> {
    const cached = this.parts.get(tsquery);
    if (cached) {
      // Re-inserting marks it most recently used (a Map iterates in insertion order).
      this.parts.delete(tsquery);
      this.parts.set(tsquery, cached);
      return cached;
    }
    let pending = this.loading.get(tsquery);
    if (!pending) {
      pending = fetch(tsquery)
        .then((fetched) => this.store(tsquery, fetched))
        .finally(() => this.loading.delete(tsquery));
      this.loading.set(tsquery, pending);
    }
    return pending;
  }

  /** The part's current matches, if cached (without marking it used). */
  peek(tsquery: string): PartMatches | undefined {
    return this.parts.get(tsquery);
  }

  /** The oldest snapshot xmin of a fetch since the last call: the next refresh reads from there. */
  takeUncoveredXmin(): bigint | null {
    const xmin = this.uncoveredXmin;
    this.uncoveredXmin = null;
    return xmin;
  }

  /** The cached parts, in a fixed order for `applyRematch`. */
  snapshot(): CachedPart[] {
    return [...this.parts].map(([tsquery, matches]) => ({ tsquery, matches }));
  }

  /**
   * Documents written since the last refresh, matched again against the parts of `snapshot` (those
   * cached when the rematch was asked): each joins or leaves each part. A changed document absent
   * from `documents` no longer exists and leaves every part.
   */
  applyRematch(snapshot: CachedPart[], changedDocs: number[], documents: RematchedDocument[]): void {
    const byDoc = new Map(documents.map((d) => [d.doc, d.ranks]));
    const changed = changedDocs.map((doc) => ({ doc, ranks: byDoc.get(doc) }));
    snapshot.forEach(({ tsquery, matches }, k) => {
      // Evicted meanwhile, or evicted and fetched again (in a newer snapshot than the rematch).
      if (this.parts.get(tsquery) !== matches) return;
      const updates = new Map<number, number>();
      for (const { doc, ranks } of changed) {
        const rank = ranks?.[k] ?? -1;
        if (rank >= 0 || indexOf(matches.docs, doc) >= 0) updates.set(doc, rank);
      }
      if (updates.size) this.replace(tsquery, matches, updates);
    });
    this.evict();
  }

  /** Deleted models leave every part. */
  remove(docs: number[]): void {
    if (!docs.length) return;
    for (const [tsquery, matches] of this.parts) {
      const updates = new Map(docs.filter((doc) => indexOf(matches.docs, doc) >= 0).map((doc) => [doc, -1]));
      if (updates.size) this.replace(tsquery, matches, updates);
    }
  }

  clear(): void {
    this.parts.clear();
    this.matches = 0;
  }

  private store(tsquery: string, fetched: FetchedPart): PartMatches {
    if (this.uncoveredXmin === null || fetched.xmin < this.uncoveredXmin) this.uncoveredXmin = fetched.xmin;
    const part = { docs: Int32Array.from(fetched.docs), ranks: Float32Array.from(fetched.ranks) };
    this.put(tsquery, part);
    this.evict(tsquery);
    return part;
  }

  /**
   * The part with `updates` applied (doc → rank, -1: leaves), as new arrays: one merge of the
   * sorted matches with the sorted updates (a refresh changes a few documents of parts that can
   * hold tens of thousands).
   */
  private replace(tsquery: string, matches: PartMatches, updates: Map<number, number>): void {
    const changes = [...updates].sort((a, b) => a[0] - b[0]);
    const docs = new Int32Array(matches.docs.length + changes.length);
    const ranks = new Float32Array(docs.length);
    let n = 0;
    let i = 0;
    for (const [doc, rank] of changes) {
      // Unchanged matches before this document, copied as they are.
      let j = i;
      while (j < matches.docs.length && matches.docs[j] < doc) j++;
      docs.set(matches.docs.subarray(i, j), n);
      ranks.set(matches.ranks.subarray(i, j), n);
      n += j - i;
      i = j < matches.docs.length && matches.docs[j] === doc ? j + 1 : j;
      if (rank >= 0) {
        docs[n] = doc;
        ranks[n++] = rank;
      }
    }
    docs.set(matches.docs.subarray(i), n);
    ranks.set(matches.ranks.subarray(i), n);
    n += matches.docs.length - i;
    this.put(tsquery, { docs: docs.subarray(0, n), ranks: ranks.subarray(0, n) });
  }

  private put(tsquery: string, part: PartMatches): void {
    const previous = this.parts.get(tsquery);
    if (previous) this.matches -= previous.docs.length;
    this.parts.set(tsquery, part);
    this.matches += part.docs.length;
  }

  /** Least recently used parts out until both limits hold (never `keep`, the part just fetched). */
  private evict(keep?: string): void {
    for (const [key, part] of this.parts) {
      if (this.parts.size <= MAX_PARTS && this.matches <= MAX_MATCHES) return;
      if (key === keep) continue;
      this.parts.delete(key);
      this.matches -= part.docs.length;
    }
  }
}

/** Position of `doc` in ascending `docs`, or -1. */
function indexOf(docs: Int32Array, doc: number): number {
  let lo = 0;
  let hi = docs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (docs[mid] === doc) return mid;
    if (docs[mid] < doc) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * The models matching every part (AND), with the mean of their part ranks: the smallest part is
 * walked in document order while a cursor advances in each of the others.
 */
export function intersect(parts: PartMatches[]): PartMatches {
  if (parts.length === 1) return parts[0];
  if (!parts.length) return { docs: new Int32Array(0), ranks: new Float32Array(0) };
  const [smallest, ...others] = [...parts].sort((a, b) => a.docs.length - b.docs.length);
  const docs = new Int32Array(smallest.docs.length);
  const ranks = new Float32Array(smallest.docs.length);
  const cursors = new Array<number>(others.length).fill(0);
  let n = 0;
  outer: for (let i = 0; i < smallest.docs.length; i++) {
    const doc = smallest.docs[i];
    let sum = smallest.ranks[i];
    for (let k = 0; k < others.length; k++) {
      const other = others[k].docs;
      let c = cursors[k];
      while (c < other.length && other[c] < doc) c++;
      cursors[k] = c;
      if (c === other.length || other[c] !== doc) continue outer;
      sum += others[k].ranks[c];
    }
    docs[n] = doc;
    ranks[n++] = sum / parts.length;
  }
  return { docs: docs.subarray(0, n), ranks: ranks.subarray(0, n) };
}
