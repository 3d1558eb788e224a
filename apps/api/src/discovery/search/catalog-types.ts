/** The search engine's vocabulary: what the catalog index holds, and what a search asks and gets. */
import type { RepoKind } from '@model-hub/contracts';
import type { RowFacetFilters, RowFacetName } from './row-facets';
import type { NameQuery } from './search-text';

/** One model as the search index loads it from PostgreSQL. */
export interface CatalogRow {
  id: string;
  kind: RepoKind;
  /** The model's search document number (model_search_docs.doc_no; -1: none), as text matches name it. */
  docNo: number;
  namespaceId: string;
  namespace: string;
  name: string;
  private: boolean;
  license: string | null;
  task: string | null;
  library: string | null;
  tags: string[];
  languages: string[];
  datasets: string[];
  baseModels: string[];
  /** How the model derives from its base models (null: none). */
  baseModelRelation: string | null;
  /** Dataset cards and files (docs/lineage.md). */
  taskCategories: string[];
  sizeCategories: string[];
  dataFormats: string[];
  /** Commercial use allowed here, forbidden upstream. */
  licenseConflict: boolean;
  downloads: number;
  likes: number;
  trendingScore: number;
  parameters: number | null;
  createdAt: Date;
  lastModified: Date;
  /** The namespace is a verified organization. */
  verified: boolean;
  /** A live licence offer of the model allows commercial use. */
  offerCommercial: boolean;
}

/** What the index returns: the row as loaded. */
export type CatalogEntry = CatalogRow;

export const ENGINE_SORTS = ['relevance', 'downloads', 'likes', 'trending', 'updated', 'created', 'parameters'] as const;
export type EngineSort = (typeof ENGINE_SORTS)[number];

export const FACETS = ['task', 'license', 'library', 'org', 'tags'] as const;
/** Facets of the commercial, verified and minParams/maxParams filters ('true'/'false'; size buckets, see param-buckets.ts). */
export const FILTER_FACETS = ['commercial', 'verified', 'parameters'] as const;
export type FacetName = (typeof FACETS)[number] | (typeof FILTER_FACETS)[number] | RowFacetName;
export type FacetCounts = Record<FacetName, { value: string; count: number }[]>;

/** Keyset position: sort value and id of the last item of the previous page. */
export interface EngineKeyset {
  value: number;
  id: string;
}

/** The models a text query matched, as document numbers (ascending) with their text rank. */
export interface TextMatches {
  docs: Int32Array;
  ranks: Float32Array;
  /** What the relevance of a match (sort `relevance`) compares the model's name with. */
  query: NameQuery;
}

/** A query against the index. String filters are compared case-insensitively. */
export interface EngineCriteria {
  /** Only repositories of this kind; absent: every kind. */
  kind?: RepoKind;
  /** null: public models only; otherwise private models of these namespaces too. */
  visibleNamespaceIds: ReadonlySet<string> | null;
  /** Full-text matches; absent: no text query. */
  textMatches?: TextMatches;
  /** Substring of the model name. */
  nameContains?: string;
  task?: string;
  library?: string;
  license?: string;
  /** The owning namespace (organization, or user for personal models). */
  org?: string;
  /** Card tags; every one must be present. */
  tags?: string[];
  /**
   * Hugging Face `filter` values, every one must match: a plain value matches a card tag, the
   * library, the task or a language; `license:`, `dataset:`, `base_model:` prefixes match those.
   */
  hfTags?: string[];
  language?: string;
  /** Dataset task category, size category, format; the upstream licence conflict flag ('true'/'false'). */
  rowFilters?: RowFacetFilters;
  commercial?: boolean;
  verified?: boolean;
  minParams?: number;
  maxParams?: number;
  sort: EngineSort;
  after?: EngineKeyset;
  /** Items wanted (the result holds one more when there is a next page). */
  limit: number;
  /** Compute facet counts (the listing of the Hugging Face API does not need them). */
  facets: boolean;
  /** Values per facet, most frequent first. */
  facetLimit: number;
}

export interface EngineResult {
  total: number;
  /** Up to `limit + 1` entries, best first. */
  items: CatalogEntry[];
  facets: FacetCounts | null;
  /** The value each item was sorted by (for cursors), in the order of `items`. */
  sortValues: number[];
}
