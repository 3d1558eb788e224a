import { api } from '../api';
import type { RepoKind } from '../repo-kind';
import type { SearchPage } from '../types';

/** How far the page looks for a repository's trending rank. */
export const TRENDING_TOP = 100;

/**
 * The repository's place in the hub's trending order (1 is first), null below the top
 * TRENDING_TOP or when the search cannot say: the same search the trending list runs.
 */
export async function trendingRank(kind: RepoKind, id: string, signal: AbortSignal): Promise<number | null> {
  const page = await api<SearchPage>(`/api/v1/search?kind=${kind}&sort=trending&limit=${TRENDING_TOP}`, { signal }).catch(() => null);
  return (page?.items.findIndex((i) => i.id.toLowerCase() === id.toLowerCase()) ?? -1) + 1 || null;
}
