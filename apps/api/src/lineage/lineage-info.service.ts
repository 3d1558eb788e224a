import { Injectable } from '@nestjs/common';
import type { ModelRecord } from '../models/model.repository';
import type { LicenseConflict } from './license-conflict-rules';
import { LineageWriter } from './lineage-writer.service';
import { LineageRepository, WalkRow } from './lineage.repository';

/** What model info shows of a repository's lineage (native `lineage`, Hugging Face `lineage` too). */
export interface LineageSummary {
  baseModels: { id: string; relation: WalkRow['relation']; resolved: boolean }[];
  datasets: { id: string; resolved: boolean }[];
  /** Upstream nodes the caller may not see. */
  hiddenUpstream: number;
  /** Datasets: the models whose card names them (count, and the first visible ones). */
  trainedModels?: { total: number; hidden: number; items: string[] };
}

const TRAINED_MODELS_SHOWN = 20;
const HIDDEN_CONFLICT = 'a repository upstream that you may not see forbids commercial use';

/**
 * What model info (native and Hugging Face) shows of the lineage. `visible`: the namespaces whose
 * private repositories the caller sees (ModelAccessService.visibleNamespaceIds).
 */
@Injectable()
export class LineageInfoService {
  constructor(
    private readonly lineage: LineageRepository,
    private readonly writer: LineageWriter,
  ) {}

  /** Datasets and base models (depth 1, resolved or not) and, for a dataset, the models trained on it. */
  async summary(model: ModelRecord, visible: ReadonlySet<string> | null): Promise<LineageSummary> {
    const rows = await this.lineage.walk(model.id, { direction: 'up', depth: 1, visibleNamespaceIds: visible, throughHidden: false });
    const shown = rows.filter((r) => r.visible);
    const out: LineageSummary = {
      baseModels: shown.filter((r) => r.relation !== 'dataset').map((r) => ({ id: r.ref, relation: r.relation, resolved: r.nodeId !== null })),
      datasets: shown.filter((r) => r.relation === 'dataset').map((r) => ({ id: r.ref, resolved: r.nodeId !== null })),
      hiddenUpstream: rows.length - shown.length,
    };
    if (model.kind === 'dataset') {
      const trained = await this.lineage.trainedOn(model.id, visible, TRAINED_MODELS_SHOWN);
      out.trainedModels = { total: trained.total, hidden: trained.hidden, items: trained.repos };
    }
    return out;
  }

  /** The repository's upstream licence conflicts as the caller may see them (hidden nodes unnamed). */
  async licenseConflicts(model: ModelRecord, visible: ReadonlySet<string> | null): Promise<LicenseConflict[]> {
    if (!model.licenseConflict) return [];
    const conflicts = await this.writer.conflictsOf(model.id, visible);
    return conflicts.map((c) => (c.repo === null ? { repo: null, kind: c.kind, license: null, reason: HIDDEN_CONFLICT } : c));
  }
}
