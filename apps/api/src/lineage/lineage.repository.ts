import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { LicenseFacts } from './license-conflict-rules';

export type RepoKindName = 'model' | 'dataset';
export type EdgeRelation = 'finetune' | 'adapter' | 'quantized' | 'merge' | 'dataset';

/** An edge as the commit writes it: the child is the repository committed to. */
export interface EdgeWrite {
  parentKind: RepoKindName;
  parentNamespaceKey: string;
  parentNameKey: string;
  parentRef: string;
  relation: EdgeRelation;
  source: 'card' | 'inferred';
}

/** What the lineage of a repository is rewritten from. */
export interface LineageSubject {
  id: string;
  kind: RepoKindName;
  name: string;
  cardData: Record<string, unknown> | null;
  datasets: string[];
  baseModels: string[];
}

/** One step of a walk: the node reached (null id: unresolved) from `fromId` at `depth`. */
export interface WalkRow {
  depth: number;
  fromId: string;
  nodeId: string | null;
  kind: RepoKindName;
  /** The reference as written (unresolved nodes), or `namespace/name` of a resolved one. */
  ref: string;
  relation: EdgeRelation;
  /** The caller may see the node (unresolved nodes are just names: visible). */
  visible: boolean;
  /** Every node between the root and this one is visible. */
  pathVisible: boolean;
  license: string | null;
  private: boolean;
  gated: boolean;
}

export interface WalkOptions {
  direction: 'up' | 'down';
  depth: number;
  /** Namespaces whose private repositories the caller sees (null: public only). */
  visibleNamespaceIds: ReadonlySet<string> | null;
  /** Walk on past nodes the caller may not see (licence rules); otherwise stop at them. */
  throughHidden: boolean;
}

/** A repository by its lineage key, a redirect of a moved one included (LATERAL over an edge `e`). */
const RESOLVE_PARENT = `
  LEFT JOIN LATERAL (
    (SELECT m.id, m.private, m.namespace_id FROM models m JOIN namespaces n ON n.id = m.namespace_id
      WHERE m.kind = e.parent_kind AND m.name_key = e.parent_name_key AND n.name_key = e.parent_namespace_key
     UNION ALL
     SELECT m.id, m.private, m.namespace_id FROM model_redirects r JOIN models m ON m.id = r.model_id
      WHERE r.kind = e.parent_kind AND r.namespace_key = e.parent_namespace_key AND r.name_key = e.parent_name_key)
    LIMIT 1
  ) p ON true`;

/** The keys a repository `X` answers to: its name and the names it was moved from. */
const KEYS_OF = (x: string) => `
  (SELECT m.kind, n.name_key AS ns_key, m.name_key FROM models m JOIN namespaces n ON n.id = m.namespace_id WHERE m.id = ${x}
   UNION ALL SELECT r.kind, r.namespace_key, r.name_key FROM model_redirects r WHERE r.model_id = ${x})`;

const VISIBLE = (alias: string) => `(NOT ${alias}.private OR ${alias}.namespace_id = ANY($3::uuid[]))`;

// $1 root id, $2 depth, $3 visible namespace ids, $4 walk through hidden nodes.
const UP_SQL = `
  WITH RECURSIVE walk AS (
    SELECT 1 AS depth, e.child_id AS from_id, p.id AS node_id, e.parent_kind, e.parent_ref AS ref, e.relation,
           (p.id IS NULL OR ${VISIBLE('p')}) AS visible, true AS path_visible, ARRAY[e.child_id] AS path
    FROM lineage_edges e ${RESOLVE_PARENT}
    WHERE e.child_id = $1::uuid
    UNION ALL
    SELECT w.depth + 1, e.child_id, p.id, e.parent_kind, e.parent_ref, e.relation,
           (p.id IS NULL OR ${VISIBLE('p')}), w.path_visible AND w.visible, w.path || e.child_id
    FROM walk w JOIN lineage_edges e ON e.child_id = w.node_id ${RESOLVE_PARENT}
    WHERE w.depth < $2 AND (w.visible OR $4::bool) AND NOT w.node_id = ANY(w.path)
  )`;

const DOWN_SQL = `
  WITH RECURSIVE walk AS (
    SELECT 1 AS depth, $1::uuid AS from_id, c.id AS node_id, c.kind AS parent_kind, NULL::text AS ref, e.relation,
           ${VISIBLE('c')} AS visible, true AS path_visible, ARRAY[$1::uuid] AS path
    FROM ${KEYS_OF('$1::uuid')} k
    JOIN lineage_edges e ON e.parent_kind = k.kind AND e.parent_namespace_key = k.ns_key AND e.parent_name_key = k.name_key
    JOIN models c ON c.id = e.child_id
    UNION ALL
    SELECT w.depth + 1, w.node_id, c.id, c.kind, NULL, e.relation, ${VISIBLE('c')}, w.path_visible AND w.visible, w.path || w.node_id
    FROM walk w CROSS JOIN LATERAL ${KEYS_OF('w.node_id')} k
    JOIN lineage_edges e ON e.parent_kind = k.kind AND e.parent_namespace_key = k.ns_key AND e.parent_name_key = k.name_key
    JOIN models c ON c.id = e.child_id
    WHERE w.depth < $2 AND (w.visible OR $4::bool) AND NOT w.node_id = ANY(w.path)
  )`;

// One row per node: the shortest path, one the caller sees all of first.
const SELECT_NODES = `
  SELECT DISTINCT ON (coalesce(w.node_id::text, w.parent_kind || ':' || lower(w.ref)))
         w.depth, w.from_id::text, w.node_id::text, w.parent_kind::text AS kind,
         coalesce(n.name || '/' || m.name, w.ref) AS ref, w.relation::text, w.visible, w.path_visible,
         m.license, coalesce(m.private, false) AS private, coalesce(m.gated <> 'none', false) AS gated
  FROM walk w LEFT JOIN models m ON m.id = w.node_id LEFT JOIN namespaces n ON n.id = m.namespace_id
  WHERE w.node_id IS DISTINCT FROM $1::uuid
  ORDER BY coalesce(w.node_id::text, w.parent_kind || ':' || lower(w.ref)), w.path_visible DESC, w.depth`;

interface RawWalkRow {
  depth: number;
  from_id: string;
  node_id: string | null;
  kind: RepoKindName;
  ref: string;
  relation: EdgeRelation;
  visible: boolean;
  path_visible: boolean;
  license: string | null;
  private: boolean;
  gated: boolean;
}

/** The lineage graph (lineage_edges) and the per-repository facts derived from it. */
@Injectable()
export class LineageRepository {
  constructor(private readonly prisma: PrismaService) {}

  async subject(id: string): Promise<LineageSubject | null> {
    const m = await this.prisma.model.findUnique({
      where: { id },
      select: { id: true, kind: true, name: true, cardData: true, datasets: true, baseModels: true },
    });
    return m && { ...m, cardData: (m.cardData as Record<string, unknown> | null) ?? null };
  }

  /** Paths of the files at `main`. */
  async pathsAtMain(modelId: string): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ path: string }[]>`
      SELECT f.path FROM branches b JOIN commit_files f ON f.commit_id = b.commit_id WHERE b.model_id = ${modelId}::uuid AND b.name = 'main'`;
    return rows.map((r) => r.path);
  }

  /** The repository's edges become `edges` (their base model relation and its formats on the row), in one transaction. */
  async replace(childId: string, edges: EdgeWrite[], dataFormats: string[]): Promise<void> {
    const baseModelRelation = edges.find((e) => e.relation !== 'dataset')?.relation ?? null;
    await this.prisma.$transaction([
      this.prisma.lineageEdge.deleteMany({ where: { childId } }),
      this.prisma.lineageEdge.createMany({ data: edges.map((e) => ({ childId, ...e })), skipDuplicates: true }),
      // Also stamps the row for search (base_model:{relation}:... filters read the edges).
      this.prisma.model.update({ where: { id: childId }, data: { dataFormats, baseModelRelation } }),
    ]);
  }

  /** The nodes up or down from `rootId`, one row each, by a recursive query. */
  async walk(rootId: string, o: WalkOptions): Promise<WalkRow[]> {
    const sql = `${o.direction === 'up' ? UP_SQL : DOWN_SQL} ${SELECT_NODES}`;
    const rows = await this.prisma.$queryRawUnsafe<RawWalkRow[]>(sql, rootId, o.depth, [...(o.visibleNamespaceIds ?? [])], o.throughHidden);
    return rows
      .map((r) => ({
        depth: r.depth,
        fromId: r.from_id,
        nodeId: r.node_id,
        kind: r.kind,
        ref: r.ref,
        relation: r.relation,
        visible: r.visible,
        pathVisible: r.path_visible,
        license: r.license,
        private: r.private,
        gated: r.gated,
      }))
      .sort((a, b) => a.depth - b.depth || a.ref.localeCompare(b.ref));
  }

  /** What the licence rules read of these repositories: card licence, front-matter, live offers. */
  async licenseFacts(ids: string[]): Promise<Map<string, LicenseFacts & { kind: RepoKindName }>> {
    if (!ids.length) return new Map();
    const rows = await this.prisma.$queryRaw<
      { id: string; kind: RepoKindName; license: string | null; card_data: Record<string, unknown> | null; offers: LicenseFacts['offers'] }[]
    >`
      SELECT m.id::text, m.kind::text, m.license, m.card_data,
             coalesce((SELECT json_agg(json_build_object('kind', lo.kind, 'spdxId', lo.spdx_id, 'commercialUse', tv.commercial_use))
                       FROM license_offers lo JOIN license_terms_versions tv ON tv.offer_id = lo.id AND tv.version = lo.current_version
                       WHERE lo.model_id = m.id AND lo.withdrawn_at IS NULL), '[]') AS offers
      FROM models m WHERE m.id = ANY(${ids}::uuid[])`;
    return new Map(rows.map((r) => [r.id, { kind: r.kind, license: r.license, cardData: r.card_data, offers: r.offers }]));
  }

  /** Stores the upstream licence conflict flags (only rows whose flag changes are written). */
  async setConflictFlags(flags: Map<string, boolean>): Promise<void> {
    const on = [...flags].filter(([, f]) => f).map(([id]) => id);
    const off = [...flags].filter(([, f]) => !f).map(([id]) => id);
    await this.prisma.$transaction([
      this.prisma.model.updateMany({ where: { id: { in: on }, licenseConflict: false }, data: { licenseConflict: true } }),
      this.prisma.model.updateMany({ where: { id: { in: off }, licenseConflict: true }, data: { licenseConflict: false } }),
    ]);
  }

  /** The models that name this dataset in their card's `datasets` (resolved by key), visible ones first N, and how many. */
  async trainedOn(
    datasetId: string,
    visibleNamespaceIds: ReadonlySet<string> | null,
    take: number,
  ): Promise<{ total: number; hidden: number; repos: string[] }> {
    const rows = await this.prisma.$queryRawUnsafe<{ total: number; hidden: number; repos: string[] | null }[]>(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE NOT ${VISIBLE('c')})::int AS hidden,
              (array_agg(n.name || '/' || c.name ORDER BY c.downloads DESC, n.name, c.name) FILTER (WHERE ${VISIBLE('c')}))[1:$2::int] AS repos
       FROM ${KEYS_OF('$1::uuid')} k
       JOIN lineage_edges e ON e.parent_kind = k.kind AND e.parent_namespace_key = k.ns_key AND e.parent_name_key = k.name_key AND e.relation = 'dataset'
       JOIN models c ON c.id = e.child_id JOIN namespaces n ON n.id = c.namespace_id`,
      datasetId,
      take,
      [...(visibleNamespaceIds ?? [])],
    );
    return { total: rows[0].total, hidden: rows[0].hidden, repos: rows[0].repos ?? [] };
  }
}
