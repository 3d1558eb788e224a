import type { CatalogRow } from './catalog-types';

const lower = (s: string) => s.trim().toLowerCase();

const PREFIXES = ['license', 'dataset', 'base_model', 'task_categories', 'size_categories', 'format', 'language'] as const;

/**
 * A Hugging Face `filter` value: `license:`, `dataset:`, `base_model:` (also
 * `base_model:{relation}:{ns}/{name}`) prefixed, the dataset prefixes `task_categories:`,
 * `size_categories:`, `format:`, `language:`, or any tag.
 */
export type HfTag = { kind: (typeof PREFIXES)[number] | 'any'; value: string };

export function parseHfTag(tag: string): HfTag {
  const colon = tag.indexOf(':');
  const prefix = colon > 0 ? tag.slice(0, colon) : '';
  const value = lower(tag.slice(colon + 1));
  const known = PREFIXES.find((p) => p === prefix);
  if (value && known) return { kind: known, value };
  return { kind: 'any', value: lower(tag) };
}

export function matchesEveryHfTag(e: CatalogRow, tags: HfTag[]): boolean {
  for (let i = 0; i < tags.length; i++) if (!matchesHfTag(e, tags[i])) return false;
  return true;
}

function matchesHfTag(e: CatalogRow, t: HfTag): boolean {
  switch (t.kind) {
    case 'license':
      return e.license !== null && lower(e.license) === t.value;
    case 'dataset':
      return e.datasets.some((d) => lower(d) === t.value);
    case 'base_model':
      return e.baseModels.some((b) => lower(b) === t.value || (e.baseModelRelation !== null && `${e.baseModelRelation}:${lower(b)}` === t.value));
    case 'task_categories':
      return e.taskCategories.some((x) => lower(x) === t.value);
    case 'size_categories':
      return e.sizeCategories.some((x) => lower(x) === t.value);
    case 'format':
      return e.dataFormats.some((x) => lower(x) === t.value);
    case 'language':
      return e.languages.some((x) => lower(x) === t.value);
    case 'any':
      return (
        e.tags.some((x) => lower(x) === t.value) ||
        (e.library !== null && lower(e.library) === t.value) ||
        (e.task !== null && lower(e.task) === t.value) ||
        e.languages.some((l) => lower(l) === t.value)
      );
  }
}
