import type { ModelVisibility } from '@model-hub/contracts';
import { cardColumnsOf, type ModelCardColumns, type ModelRecord } from './model.repository';
import { HfGated, toHfGated, visibilityOf } from './model-visibility';

/** The native API's model (`/api/v1/models/...`). */
export interface ModelInfo extends ModelCardColumns {
  /** `namespace/name` */
  id: string;
  namespace: string;
  name: string;
  visibility: ModelVisibility;
  private: boolean;
  gated: HfGated;
  downloads: number;
  likes: number;
  createdAt: string;
  lastModified: string;
  /** Head commit of `main`. */
  sha: string | null;
}

export interface ModelList {
  items: ModelInfo[];
  nextCursor: string | null;
}

export const presentModel = (m: ModelRecord): ModelInfo => ({
  id: m.fullName,
  namespace: m.namespace,
  name: m.name,
  visibility: visibilityOf(m),
  private: m.private,
  gated: toHfGated(m.gated),
  ...cardColumnsOf(m),
  downloads: m.downloads,
  likes: m.likes,
  createdAt: m.createdAt.toISOString(),
  lastModified: m.lastModified.toISOString(),
  sha: m.mainCommitId,
});

export const presentModelList = (page: { items: ModelRecord[]; nextCursor: string | null }): ModelList => ({
  items: page.items.map(presentModel),
  nextCursor: page.nextCursor,
});
