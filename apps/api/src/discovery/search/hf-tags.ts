import type { CatalogRow } from './catalog-types';

const lower = (s: string) => s.trim().toLowerCase();

/** A Hugging Face `filter` value: `license:`, `dataset:`, `base_model:` prefixed, or any tag. */
export type HfTag = { kind: 'license' | 'dataset' | 'base_model' | 'any'; value: string };

export function parseHfTag(tag: string): HfTag {
  const colon = tag.indexOf(':');
  const prefix = colon > 0 ? tag.slice(0, colon) : '';
  const value = lower(tag.slice(colon + 1));
  if (value && (prefix === 'license' || prefix === 'dataset' || prefix === 'base_model')) return { kind: prefix, value };
  return { kind: 'any', value: lower(tag) };
}

export function matchesHfTag(e: CatalogRow, t: HfTag): boolean {
  switch (t.kind) {
    case 'license':
      return e.license !== null && lower(e.license) === t.value;
    case 'dataset':
      return e.datasets.some((d) => lower(d) === t.value);
    case 'base_model':
      return e.baseModels.some((b) => lower(b) === t.value);
    case 'any':
      return (
        e.tags.some((x) => lower(x) === t.value) ||
        (e.library !== null && lower(e.library) === t.value) ||
        (e.task !== null && lower(e.task) === t.value) ||
        e.languages.some((l) => lower(l) === t.value)
      );
  }
}
