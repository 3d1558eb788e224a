import { Injectable } from '@nestjs/common';
import type { ModelVisibility } from '@model-hub/contracts';
import type { Principal } from '../common/auth/principal';
import { HubException } from '../common/hub-exception';
import { ModelAccessService } from '../models/model-access.service';
import { LineageRepository, RepoKindName, WalkRow } from './lineage.repository';

export interface LineageNode {
  kind: RepoKindName;
  /** `namespace/name` (as the card wrote it for an unresolved node). */
  id: string;
  /** How the node relates to `via`: up, the child's relation to it; down, its relation to `via`. */
  relation: WalkRow['relation'];
  /** The node one step nearer the root. */
  via: string;
  depth: number;
  resolved: boolean;
  license: string | null;
  /** null for an unresolved node. */
  visibility: ModelVisibility | null;
}

export interface LineageGraph {
  root: { kind: RepoKindName; id: string };
  direction: 'up' | 'down';
  depth: number;
  nodes: LineageNode[];
  /** Nodes the caller may not see: counted, never named; the walk does not go past them. */
  hidden: { total: number; byDepth: Record<string, number> };
}

const KINDS: Record<string, RepoKindName> = { models: 'model', datasets: 'dataset' };

/** The lineage graph API (docs/lineage.md), with the visibility rule of ModelAccessService. */
@Injectable()
export class LineageService {
  constructor(
    private readonly access: ModelAccessService,
    private readonly lineage: LineageRepository,
  ) {}

  async graph(
    principal: Principal | undefined,
    kindSegment: string,
    namespace: string,
    name: string,
    direction: 'up' | 'down',
    depth: number,
  ): Promise<LineageGraph> {
    const kind = KINDS[kindSegment];
    if (!kind) throw HubException.badRequest('invalid_repo_kind', `The repository kind must be models or datasets, not '${kindSegment}'`);
    const root = await this.access.findReadable(principal, namespace, name, kind);
    const visible = await this.access.visibleNamespaceIds(principal);
    const rows = await this.lineage.walk(root.id, { direction, depth, visibleNamespaceIds: visible, throughHidden: false });
    const names = new Map<string, string>([[root.id, root.fullName]]);
    for (const r of rows) if (r.nodeId && r.visible) names.set(r.nodeId, r.ref);
    const byDepth: Record<string, number> = {};
    const nodes: LineageNode[] = [];
    for (const r of rows) {
      if (!r.visible) {
        byDepth[r.depth] = (byDepth[r.depth] ?? 0) + 1;
        continue;
      }
      nodes.push({
        kind: r.kind,
        id: r.ref,
        relation: r.relation,
        via: names.get(r.fromId) ?? root.fullName,
        depth: r.depth,
        resolved: r.nodeId !== null,
        license: r.license,
        visibility: r.nodeId === null ? null : r.private ? 'private' : r.gated ? 'gated' : 'public',
      });
    }
    const total = Object.values(byDepth).reduce((a, b) => a + b, 0);
    return { root: { kind, id: root.fullName }, direction, depth, nodes, hidden: { total, byDepth } };
  }
}
