import type { ModelVisibility } from '@model-hub/contracts';
import type { RepoKind } from './repo-kind';
import { cardColumnsOf, type ModelCardColumns, type ModelRecord } from './model.repository';
import { HfGated, toHfGated, visibilityOf } from './model-visibility';

/** The native API's model (`/api/v1/models/...`). */
export interface ModelInfo extends ModelCardColumns {
  /** `namespace/name` */
  id: string;
  /** `model` or `dataset` (`/api/v1/models` or `/api/v1/datasets`). */
  kind: RepoKind;
  namespace: string;
  name: string;
  visibility: ModelVisibility;
  private: boolean;
  gated: HfGated;
  downloads: number;
  likes: number;
  /** Counted downloads and likes of the last 7 days, newer days weighing more (docs/discovery.md). */
  trendingScore: number;
  /** Parameters in the safetensors files at `main` (null until scanned). */
  parameters: number | null;
  /** As Hugging Face: {parameters: {dtype: count}, total}, for the safetensors files at `main`. */
  safetensors: { parameters: Record<string, number>; total: number } | null;
  /** Pickle scan of the files at `main`: {status, files: [{path, status, imports}]} (null: no pickle files). */
  security: Record<string, unknown> | null;
  createdAt: string;
  lastModified: string;
  /** Head commit of `main`. */
  sha: string | null;
  /** Datasets: the data formats of the files at `main` (parquet, csv, json...). */
  dataFormats: string[];
}

export interface ModelList {
  items: ModelInfo[];
  nextCursor: string | null;
}

export const presentModel = (m: ModelRecord): ModelInfo => ({
  id: m.fullName,
  kind: m.kind,
  namespace: m.namespace,
  name: m.name,
  visibility: visibilityOf(m),
  private: m.private,
  gated: toHfGated(m.gated),
  ...cardColumnsOf(m),
  downloads: m.downloads,
  likes: m.likes,
  trendingScore: Math.round(m.trendingScore * 1000) / 1000,
  parameters: m.parameters,
  safetensors: m.safetensors,
  security: m.securityScan,
  createdAt: m.createdAt.toISOString(),
  lastModified: m.lastModified.toISOString(),
  sha: m.mainCommitId,
  dataFormats: m.dataFormats,
});

export const presentModelList = (page: { items: ModelRecord[]; nextCursor: string | null }): ModelList => ({
  items: page.items.map(presentModel),
  nextCursor: page.nextCursor,
});
