/**
 * What can change under a cache, as the writers announce it (CacheInvalidation.publish) and every
 * replica hears it (PostgreSQL NOTIFY on `CACHE_CHANNEL`). One entry per kind of change; the payload
 * names the thing that changed.
 */
export interface InvalidationEvents {
  /** A model's settings (visibility, gating), card, or the model itself (deleted). */
  model: { modelId: string };
  /** Any ref of a model moved, appeared or went away: branches, versions, `refs/pr/N`, whatever lives in `branches` or `versions`. */
  refs: { modelId: string };
  /** A token was revoked (deleted). */
  token: { tokenId: string };
  /** A user's account changed (administrator flag). */
  user: { userId: string };
  /** A user joined or left an organization, or their role in it changed. */
  membership: { userId: string };
  /** A licence grant on the model was created or revoked. */
  grant: { modelId: string };
  /** A deployment of the model was created, changed state (loaded, failed, stopped) or deleted. */
  deployment: { modelId: string };
}

export type InvalidationEvent = keyof InvalidationEvents;

export const CACHE_CHANNEL = 'hub_cache';

/**
 * The one rule: the tags an event drops. A cached entry carries the tags of everything it was
 * read from, so an entry goes exactly when one of them changes.
 */
export function tagsOf<E extends InvalidationEvent>(event: E, payload: InvalidationEvents[E]): string[] {
  const p = payload as Record<string, string>;
  switch (event) {
    case 'model':
    case 'refs':
    case 'grant':
    case 'deployment':
      return [`${event}:${p.modelId}`];
    case 'token':
      return [`token:${p.tokenId}`];
    case 'user':
    case 'membership':
      return [`${event}:${p.userId}`];
    default:
      return [];
  }
}

/** Tags of entries read from these things (what cache users pass to `MovingCache.get`). */
export const tag = {
  model: (modelId: string) => `model:${modelId}`,
  refs: (modelId: string) => `refs:${modelId}`,
  grant: (modelId: string) => `grant:${modelId}`,
  deployment: (modelId: string) => `deployment:${modelId}`,
  token: (tokenId: string) => `token:${tokenId}`,
  user: (userId: string) => `user:${userId}`,
  membership: (userId: string) => `membership:${userId}`,
};

/** The wire form of one notice: `<event> <json payload>`; null for anything else on the channel. */
export function encodeNotice<E extends InvalidationEvent>(event: E, payload: InvalidationEvents[E]): string {
  return `${event} ${JSON.stringify(payload)}`;
}

const EVENTS: readonly InvalidationEvent[] = ['model', 'refs', 'token', 'user', 'membership', 'grant', 'deployment'];

export function decodeNotice(text: string): { event: InvalidationEvent; payload: InvalidationEvents[InvalidationEvent] } | null {
  const space = text.indexOf(' ');
  const event = text.slice(0, space) as InvalidationEvent;
  if (space < 0 || !EVENTS.includes(event)) return null;
  try {
    const payload = JSON.parse(text.slice(space + 1)) as unknown;
    if (!payload || typeof payload !== 'object' || Object.values(payload).some((v) => typeof v !== 'string')) return null;
    return { event, payload: payload as InvalidationEvents[InvalidationEvent] };
  } catch {
    return null;
  }
}
