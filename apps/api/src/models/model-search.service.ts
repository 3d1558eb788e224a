import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import type { EngineSort } from '../discovery/search/catalog-types';
import { SearchEngine } from '../discovery/search/search-engine.service';
import { ModelAccessService } from './model-access.service';
import { ModelRecord, ModelRepository, ModelSort } from './model.repository';
import type { RepoKind } from './repo-kind';

export interface ModelSearchQuery {
  /** Only repositories of this kind (models listings never show datasets, and the reverse). */
  kind: RepoKind;
  /** Namespace (user or organization) name, any case. */
  author?: string;
  /** Case-insensitive substring of the name; `ns/part` also pins the namespace. */
  search?: string;
  /** Every tag must match: a card tag, library, task or language, or `license:`/`dataset:`/`base_model:` prefixed. */
  tags?: string[];
  pipelineTag?: string;
  /** Descending. Default `lastModified`. */
  sort?: ModelSort;
  /** Default 50, at most 1000. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

export interface ModelPage {
  items: ModelRecord[];
  /** Opaque; null on the last page. */
  nextCursor: string | null;
}

export const MODEL_LIST_DEFAULT_LIMIT = 50;
export const MODEL_LIST_MAX_LIMIT = 1000;

const ENGINE_SORT: Record<ModelSort, EngineSort> = {
  downloads: 'downloads',
  likes: 'likes',
  lastModified: 'updated',
  createdAt: 'created',
  trendingScore: 'trending',
};

/**
 * Model listings (native `GET /api/v1/models`, Hugging Face `GET /api/models`), visibility-aware,
 * through discovery's search engine, the same engine as `GET /api/v1/search`: filters and keyset
 * pages (stable while models are added) come from one place. The engine answers ids; the records
 * are read here.
 */
@Injectable()
export class ModelSearchService {
  constructor(
    private readonly models: ModelRepository,
    private readonly access: ModelAccessService,
    private readonly engine: SearchEngine,
  ) {}

  async search(principal: Principal | undefined, query: ModelSearchQuery): Promise<ModelPage> {
    const take = Math.min(Math.max(query.limit ?? MODEL_LIST_DEFAULT_LIMIT, 1), MODEL_LIST_MAX_LIMIT);
    let namespace = query.author;
    let nameContains = query.search?.trim() || undefined;
    const slash = nameContains?.indexOf('/') ?? -1;
    if (nameContains && slash >= 0) {
      const searchNamespace = nameContains.slice(0, slash);
      if (namespace !== undefined && namespace.toLowerCase() !== searchNamespace.toLowerCase()) return { items: [], nextCursor: null };
      namespace = searchNamespace;
      nameContains = nameContains.slice(slash + 1) || undefined;
    }
    const visible = await this.access.visibleNamespaceIds(principal);
    const page = await this.engine.search({
      kind: query.kind,
      visibleNamespaceIds: visible,
      org: namespace,
      nameContains,
      hfTags: query.tags,
      task: query.pipelineTag,
      sort: ENGINE_SORT[query.sort ?? 'lastModified'],
      cursor: query.cursor,
      limit: take,
      facets: false,
      facetLimit: 0,
    });
    return { items: await this.models.findByIds(page.items.map((e) => e.id)), nextCursor: page.nextCursor };
  }
}
