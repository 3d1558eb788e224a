import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { HubException } from '../common/hub-exception';
import { MODEL_SORTS, ModelKeyset, ModelRecord, ModelRepository, ModelSort } from './model.repository';

export interface ModelSearchQuery {
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

/**
 * Listing and search of models, visibility-aware. Kept behind this one method so the discovery
 * issue can swap in full-text and trending search without touching the routes that call it.
 * Pagination is by keyset (sort value, id), so pages stay stable while models are added.
 */
@Injectable()
export class ModelSearchService {
  constructor(private readonly models: ModelRepository) {}

  async search(principal: Principal | undefined, query: ModelSearchQuery): Promise<ModelPage> {
    const sort = query.sort ?? 'lastModified';
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
    const visibleNamespaceIds = principal ? await this.models.memberNamespaceIds(principal.userId, principal.restrictedToOrgId) : null;
    const rows = await this.models.search({
      visibleNamespaceIds,
      namespace,
      nameContains,
      tags: query.tags,
      pipelineTag: query.pipelineTag,
      sort,
      after: query.cursor ? decodeCursor(query.cursor, sort) : undefined,
      take: take + 1,
    });
    const items = rows.slice(0, take);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > take && last ? encodeCursor(sort, last) : null };
  }
}

function sortValue(model: ModelRecord, sort: ModelSort): number | string {
  const v = model[sort];
  return v instanceof Date ? v.toISOString() : v;
}

const encodeCursor = (sort: ModelSort, m: ModelRecord) => Buffer.from(JSON.stringify({ s: sort, v: sortValue(m, sort), id: m.id })).toString('base64url');

function decodeCursor(cursor: string, sort: ModelSort): ModelKeyset {
  let parsed: { s?: unknown; v?: unknown; id?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = {};
  }
  const valid =
    parsed && MODEL_SORTS.includes(parsed.s as ModelSort) && typeof parsed.id === 'string' && /^[0-9a-f-]{36}$/.test(parsed.id) &&
    (typeof parsed.v === 'number' || (typeof parsed.v === 'string' && !Number.isNaN(Date.parse(parsed.v))));
  if (!valid) throw HubException.badRequest('invalid_cursor', 'cursor is not a value returned as nextCursor by this listing');
  if (parsed.s !== sort) throw HubException.badRequest('invalid_cursor', `cursor belongs to a listing sorted by '${String(parsed.s)}', not '${sort}'`);
  return { value: parsed.v as number | string, id: parsed.id as string };
}
