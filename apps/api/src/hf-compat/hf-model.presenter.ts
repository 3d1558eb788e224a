import type { ModelRecord } from '../models/model.repository';

export interface HfSibling {
  rfilename: string;
  size?: number;
  blobId?: string;
  lfs?: { sha256: string; size: number; pointerSize: number };
}

/**
 * Tags as the Hugging Face Hub derives them: the card's own tags plus the library, task,
 * languages, and `license:` / `dataset:` / `base_model:` (`base_model:{relation}:`) entries; for
 * a dataset, `task_categories:` / `size_categories:` / `format:` / `language:` / `license:`.
 */
export function hfTags(m: ModelRecord): string[] {
  if (m.kind === 'dataset') {
    return [
      ...new Set([
        ...m.tags,
        ...m.taskCategories.map((t) => `task_categories:${t}`),
        ...m.sizeCategories.map((s) => `size_categories:${s}`),
        ...m.dataFormats.map((f) => `format:${f}`),
        ...m.languages.map((l) => `language:${l}`),
        ...(m.license ? [`license:${m.license}`] : []),
      ]),
    ];
  }
  const tags = [
    ...m.tags,
    ...(m.libraryName ? [m.libraryName] : []),
    ...(m.pipelineTag ? [m.pipelineTag] : []),
    ...m.languages,
    ...(m.license ? [`license:${m.license}`] : []),
    ...m.datasets.map((d) => `dataset:${d}`),
    ...m.baseModels.map((b) => `base_model:${b}`),
    ...(m.baseModelRelation ? m.baseModels.map((b) => `base_model:${m.baseModelRelation}:${b}`) : []),
  ];
  return [...new Set(tags)];
}

/** A repository in Hugging Face's shape for its kind: ModelInfo, or DatasetInfo under `/api/datasets`. */
export function presentHfRepo(m: ModelRecord, extra: { sha?: string | null; siblings?: HfSibling[] } = {}) {
  return m.kind === 'dataset' ? presentHfDataset(m, extra) : presentHfModel(m, extra);
}

/** The fields ModelInfo and DatasetInfo share. */
function presentHfRepoCommon(m: ModelRecord, extra: { sha?: string | null }) {
  return {
    _id: m.id,
    id: m.fullName,
    author: m.namespace,
    sha: extra.sha ?? m.mainCommitId,
    lastModified: m.lastModified.toISOString(),
    createdAt: m.createdAt.toISOString(),
    private: m.private,
    gated: m.gated === 'none' ? false : m.gated,
    disabled: false,
    downloads: m.downloads,
    likes: m.likes,
    trendingScore: Math.round(m.trendingScore * 1000) / 1000,
  };
}

/**
 * A dataset in the JSON shape of `GET /api/datasets/{repo}` (huggingface_hub's DatasetInfo,
 * @huggingface/hub's ApiDatasetInfo): no task, library or parameters; `description` from the card.
 */
export function presentHfDataset(m: ModelRecord, extra: { sha?: string | null; siblings?: HfSibling[] } = {}) {
  const description = typeof m.cardData?.pretty_name === 'string' ? m.cardData.pretty_name : '';
  return {
    ...presentHfRepoCommon(m, extra),
    tags: hfTags(m),
    cardData: m.cardData ?? undefined,
    description,
    ...(extra.siblings ? { siblings: extra.siblings } : {}),
  };
}

/** A model in the JSON shape of `GET /api/models/{repo}` (and of list items). */
export function presentHfModel(m: ModelRecord, extra: { sha?: string | null; siblings?: HfSibling[] } = {}) {
  return {
    ...presentHfRepoCommon(m, extra),
    modelId: m.fullName,
    // Discovery: parameters per dtype of the safetensors files at main, and the pickle scan.
    ...(m.safetensors ? { safetensors: m.safetensors } : {}),
    ...(m.securityScan ? { securityRepoStatus: securityRepoStatus(m.securityScan) } : {}),
    tags: hfTags(m),
    pipeline_tag: m.pipelineTag ?? undefined,
    library_name: m.libraryName ?? undefined,
    cardData: m.cardData ?? undefined,
    ...(extra.siblings ? { siblings: extra.siblings } : {}),
  };
}

/** Hugging Face's `securityRepoStatus` from discovery's pickle scan of `main`. */
function securityRepoStatus(scan: Record<string, unknown>) {
  const files = (scan.files as { path: string; status: string }[] | undefined) ?? [];
  return {
    scansDone: !files.some((f) => f.status === 'pending'),
    filesWithIssues: files.filter((f) => f.status === 'dangerous' || f.status === 'suspicious').map((f) => ({ path: f.path, level: f.status })),
  };
}
