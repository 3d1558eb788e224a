/**
 * The ETags of a multipart upload's stored parts, kept in localStorage under the upload's id: the
 * hub answers a retried batch with the caller's same unfinished upload, so a retry (or a reload
 * and a new drop of the same file) sends only the parts missing here, then completes.
 */
const PREFIX = 'hub.upload-parts:';
/** Presigned part URLs live at most 7 days: older entries can never be used again. */
const MAX_AGE_MS = 8 * 24 * 3600_000;

interface Entry {
  at: number;
  etags: Record<string, string>;
}

/** The upload's id in its completion URL (`/api/blobs/uploads/{id}/complete`), else the URL without its query. */
export const uploadKeyOf = (completionHref: string) => /\/uploads\/([^/?]+)\/complete/.exec(completionHref)?.[1] ?? completionHref.replace(/\?.*$/, '');

function read(key: string): Entry | null {
  try {
    const raw = localStorage.getItem(PREFIX + key);
    return raw ? (JSON.parse(raw) as Entry) : null;
  } catch {
    return null;
  }
}

/** Drops entries of uploads that expired long ago (a browser may have left many behind). */
function prune(): void {
  try {
    for (let i = localStorage.length - 1; i >= 0; i--) {
      const k = localStorage.key(i);
      if (!k?.startsWith(PREFIX)) continue;
      const at = read(k.slice(PREFIX.length))?.at ?? 0;
      if (Date.now() - at > MAX_AGE_MS) localStorage.removeItem(k);
    }
  } catch {
    // Storage disabled: the ledger lives in memory only.
  }
}

/** One upload's stored parts; a browser without localStorage keeps them in memory for this page. */
export class PartLedger {
  readonly etags: Map<number, string>;

  constructor(private readonly key: string) {
    prune();
    this.etags = new Map(Object.entries(read(key)?.etags ?? {}).map(([n, e]) => [Number(n), e]));
  }

  set(partNumber: number, etag: string): void {
    this.etags.set(partNumber, etag);
    try {
      localStorage.setItem(PREFIX + this.key, JSON.stringify({ at: Date.now(), etags: Object.fromEntries(this.etags) } satisfies Entry));
    } catch {
      // Full or disabled: a retry on this page still has the map.
    }
  }

  /** The upload is complete: nothing to resume. */
  forget(): void {
    try {
      localStorage.removeItem(PREFIX + this.key);
    } catch {
      // Nothing was stored.
    }
  }
}
