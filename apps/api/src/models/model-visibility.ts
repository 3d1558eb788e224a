import type { ModelVisibility } from '@model-hub/contracts';
import { HubException } from '../common/hub-exception';

/** How a gated model grants access to its files (stored as `gated` on the model). */
export const GATED_MODES = ['none', 'auto', 'manual'] as const;
export type GatedMode = (typeof GATED_MODES)[number];

/** The Hugging Face wire form of `gated`: false, "auto" or "manual". */
export type HfGated = false | 'auto' | 'manual';

export const toHfGated = (mode: GatedMode): HfGated => (mode === 'none' ? false : mode);
export const fromHfGated = (gated: HfGated): GatedMode => (gated === false ? 'none' : gated);

/**
 * Visibility is derived from two stored settings, as on Hugging Face: `private` (invisible to
 * non-members) and `gated` (card and tree public, files for members and, later, licence
 * holders). Private wins over gated: a private gated model is simply private.
 */
export function visibilityOf(settings: { private: boolean; gated: GatedMode }): ModelVisibility {
  if (settings.private) return 'private';
  return settings.gated === 'none' ? 'public' : 'gated';
}

export interface VisibilityChange {
  visibility?: ModelVisibility;
  private?: boolean;
  gated?: HfGated;
}

/**
 * Applies a settings change to the current settings. `visibility` is the summary switch:
 * - `public`  → not private, not gated;
 * - `private` → private; the gating mode is kept, so making the model non-private again never
 *   silently opens files that were gated;
 * - `gated`   → not private, gated with the current mode or `auto` when it was not gated.
 * `private` and `gated` (the Hugging Face settings) then change only themselves. A request whose
 * explicit `private`/`gated` contradict its `visibility` is refused (400) rather than guessed.
 */
export function applyVisibilityChange(current: { private: boolean; gated: GatedMode }, change: VisibilityChange): { private: boolean; gated: GatedMode } {
  const next = { private: current.private, gated: current.gated };
  if (change.visibility === 'public') Object.assign(next, { private: false, gated: 'none' });
  if (change.visibility === 'private') next.private = true;
  if (change.visibility === 'gated') Object.assign(next, { private: false, gated: current.gated === 'none' ? 'auto' : current.gated });
  if (change.private !== undefined) next.private = change.private;
  if (change.gated !== undefined) next.gated = fromHfGated(change.gated);
  if (change.visibility && visibilityOf(next) !== change.visibility) {
    throw HubException.badRequest(
      'conflicting_visibility',
      `visibility '${change.visibility}' contradicts ${JSON.stringify({ private: change.private, gated: change.gated })}: send one or the other`,
    );
  }
  return next;
}
