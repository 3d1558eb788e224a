import type { CatalogEntry, FacetCounts } from './catalog-types';
import type { RepoKind } from '../../models/repo-kind';

/** One result of `GET /api/v1/search` (and of a user's likes). */
export interface SearchItem {
  /** `namespace/name` */
  id: string;
  kind: RepoKind;
  namespace: string;
  name: string;
  task: string | null;
  library: string | null;
  license: string | null;
  tags: string[];
  language: string[];
  downloads: number;
  likes: number;
  trendingScore: number;
  /** Parameters in the safetensors files at `main` (null: none scanned). */
  parameters: number | null;
  /** Owned by a verified organization. */
  verified: boolean;
  /** Commercial use allowed here while something upstream forbids it (model info names it). */
  licenseConflict: boolean;
  updatedAt: string;
}

export interface SearchPage {
  total: number;
  items: SearchItem[];
  facets: FacetCounts;
  nextCursor: string | null;
}

export const presentSearchItem = (e: CatalogEntry): SearchItem => ({
  id: `${e.namespace}/${e.name}`,
  kind: e.kind,
  namespace: e.namespace,
  name: e.name,
  task: e.task,
  library: e.library,
  license: e.license,
  tags: e.tags,
  language: e.languages,
  downloads: e.downloads,
  likes: e.likes,
  trendingScore: roundScore(e.trendingScore),
  parameters: e.parameters,
  verified: e.verified,
  licenseConflict: e.licenseConflict,
  updatedAt: e.lastModified.toISOString(),
});

/** Trending scores are shown to three decimals (they are weighted sums of whole counts). */
export const roundScore = (v: number) => Math.round(v * 1000) / 1000;
