import { Injectable } from '@nestjs/common';
import { configDataFiles, dataFormatsOf } from './dataset-formats';
import { licenseConflicts } from './license-conflict-rules';
import { baseModelRelation } from './lineage-relation';
import { refKey } from './lineage-refs';
import { EdgeWrite, LineageRepository, LineageSubject } from './lineage.repository';

/** Deepest walk for the licence rules and the descendants a commit recomputes (the API's maximum too). */
export const MAX_LINEAGE_DEPTH = 10;
const MAX_CONFIG_BYTES = 256 * 1024;

/**
 * Keeps the graph current on commit (called by the commit hooks before the commit answers): the
 * repository's edges from its card and files at `main`, its data formats, and the upstream
 * licence conflict flag of the repository and of everything downstream of it.
 */
@Injectable()
export class LineageWriter {
  constructor(private readonly lineage: LineageRepository) {}

  async refresh(modelId: string, readFile: (path: string, maxBytes: number) => Promise<Buffer | null>): Promise<void> {
    const subject = await this.lineage.subject(modelId);
    if (!subject) return;
    const paths = await this.lineage.pathsAtMain(modelId);
    if (subject.kind === 'dataset') {
      const named = configDataFiles(subject.cardData);
      await this.lineage.replace(modelId, [], dataFormatsOf(named.length ? named : paths));
    } else {
      const config = paths.includes('config.json') ? parseJson(await readFile('config.json', MAX_CONFIG_BYTES)) : null;
      await this.lineage.replace(modelId, edgesOf(subject, paths, config), []);
    }
    await this.recomputeConflicts(modelId);
  }

  /** The conflict flag of the repository and of its descendants (their upstream just changed). */
  async recomputeConflicts(modelId: string): Promise<void> {
    await this.recomputeFlags([modelId, ...(await this.descendantsOf(modelId))]);
  }

  /** Every repository downstream of this one (depth 10, hidden ones included). */
  async descendantsOf(modelId: string): Promise<string[]> {
    const down = await this.lineage.walk(modelId, { direction: 'down', depth: MAX_LINEAGE_DEPTH, visibleNamespaceIds: null, throughHidden: true });
    return down.flatMap((r) => (r.nodeId ? [r.nodeId] : []));
  }

  /** The conflict flags of these repositories, from their upstream as it is now. */
  async recomputeFlags(ids: string[]): Promise<void> {
    const flags = new Map<string, boolean>();
    for (const id of ids) flags.set(id, (await this.conflictsOf(id)).length > 0);
    await this.lineage.setConflictFlags(flags);
  }

  /** Conflicts with every upstream node, named or not (callers decide what a caller may see). */
  async conflictsOf(modelId: string, visibleNamespaceIds: ReadonlySet<string> | null = null) {
    const up = await this.lineage.walk(modelId, { direction: 'up', depth: MAX_LINEAGE_DEPTH, visibleNamespaceIds, throughHidden: true });
    const resolved = up.filter((r) => r.nodeId !== null);
    const facts = await this.lineage.licenseFacts([modelId, ...resolved.map((r) => r.nodeId!)]);
    const self = facts.get(modelId);
    if (!self) return [];
    const upstream = resolved.flatMap((r) => {
      const f = facts.get(r.nodeId!);
      return f ? [{ ...f, repo: r.visible && r.pathVisible ? r.ref : null }] : [];
    });
    return licenseConflicts(self, upstream);
  }
}

function edgesOf(s: LineageSubject, paths: string[], config: unknown): EdgeWrite[] {
  const { relation, source } = baseModelRelation({
    declared: s.cardData?.base_model_relation,
    baseModelCount: s.baseModels.length,
    paths,
    config,
    repoName: s.name,
  });
  const edge = (ref: string, kind: 'model' | 'dataset', rel: EdgeWrite['relation'], src: EdgeWrite['source']): EdgeWrite => {
    const key = refKey(ref);
    return { parentKind: kind, parentNamespaceKey: key.namespaceKey, parentNameKey: key.nameKey, parentRef: ref, relation: rel, source: src };
  };
  return [...s.baseModels.map((ref) => edge(ref, 'model', relation, source)), ...s.datasets.map((ref) => edge(ref, 'dataset', 'dataset', 'card'))];
}

function parseJson(bytes: Buffer | null): unknown {
  if (!bytes) return null;
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return null;
  }
}
