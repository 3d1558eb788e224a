import type { CatalogRow } from './catalog-types';

/**
 * Facets read from the rows themselves rather than from the index's columns: dataset card
 * fields (few models have them) and the upstream licence conflict flag. Like the column facets,
 * each one's counts leave its own filter out.
 */
export const ROW_FACETS = ['taskCategories', 'sizeCategories', 'formats', 'languages', 'licenseConflict'] as const;
export type RowFacetName = (typeof ROW_FACETS)[number];

/** Filters on row facets: every one given must match (a value, case-insensitively). */
export type RowFacetFilters = Partial<Record<RowFacetName, string>>;

const lower = (s: string) => s.trim().toLowerCase();

export function rowFacetValues(e: CatalogRow, facet: RowFacetName): readonly string[] {
  switch (facet) {
    case 'taskCategories':
      return e.taskCategories;
    case 'sizeCategories':
      return e.sizeCategories;
    case 'formats':
      return e.dataFormats;
    case 'languages':
      return e.languages;
    case 'licenseConflict':
      return [e.licenseConflict ? 'true' : 'false'];
  }
}

/** The filters given, as [facet, lower-cased value] pairs (null: none). */
export function rowFilterList(filters: RowFacetFilters | undefined): [RowFacetName, string][] | null {
  const list = ROW_FACETS.flatMap((f) => (filters?.[f] === undefined ? [] : [[f, lower(filters[f])] as [RowFacetName, string]]));
  return list.length ? list : null;
}

export const rowMatches = (e: CatalogRow, facet: RowFacetName, value: string): boolean => rowFacetValues(e, facet).some((v) => lower(v) === value);

/** Counts per facet value, for the rows `count` is called with. */
export class RowFacetCounter {
  private readonly counts = new Map<RowFacetName, Map<string, number>>(ROW_FACETS.map((f) => [f, new Map()]));

  count(e: CatalogRow, facet: RowFacetName): void {
    const m = this.counts.get(facet)!;
    for (const v of rowFacetValues(e, facet)) m.set(v, (m.get(v) ?? 0) + 1);
  }

  /** Every row facet's most frequent values. */
  all(limit: number): Record<RowFacetName, { value: string; count: number }[]> {
    return Object.fromEntries(ROW_FACETS.map((f) => [f, this.top(f, limit)])) as Record<RowFacetName, { value: string; count: number }[]>;
  }

  top(facet: RowFacetName, limit: number): { value: string; count: number }[] {
    return [...this.counts.get(facet)!]
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value))
      .slice(0, limit);
  }
}
