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

const BOOLEAN_FLAGS = ['false', 'true'];

function add(counts: Map<string, number>, values: readonly string[]): void {
  for (let i = 0; i < values.length; i++) counts.set(values[i], (counts.get(values[i]) ?? 0) + 1);
}

export const rowMatches = (e: CatalogRow, facet: RowFacetName, value: string): boolean => rowFacetValues(e, facet).some((v) => lower(v) === value);

/**
 * Counts per facet value of the rows it is given. It runs once per model of a search (120,000 at
 * the landing page), so what the index holds in columns is counted into arrays by the caller
 * (`languageCounts` by the index's interned, lower-cased language, `conflictCounts` by flag), and
 * rows are read only for dataset card fields and for models with more languages than the column.
 */
export class RowFacetCounter {
  private readonly counts = new Map<RowFacetName, Map<string, number>>(ROW_FACETS.filter((f) => f !== 'licenseConflict').map((f) => [f, new Map()]));
  private readonly taskCategories = this.counts.get('taskCategories')!;
  private readonly sizeCategories = this.counts.get('sizeCategories')!;
  private readonly formats = this.counts.get('formats')!;
  private readonly languages = this.counts.get('languages')!;
  readonly languageCounts: Uint32Array;
  readonly conflictCounts = new Uint32Array(2);

  /** `languageValues`: the index's languages by key. */
  constructor(private readonly languageValues: readonly string[]) {
    this.languageCounts = new Uint32Array(languageValues.length);
  }

  /** The dataset card fields of `e`. */
  countFields(e: CatalogRow): void {
    add(this.taskCategories, e.taskCategories);
    add(this.sizeCategories, e.sizeCategories);
    add(this.formats, e.dataFormats);
  }

  /** The languages of `e`, from the row (lower-cased, as the index interns them). */
  countLanguages(e: CatalogRow): void {
    add(this.languages, [...new Set(e.languages.map(lower))]);
  }

  count(e: CatalogRow, facet: RowFacetName): void {
    if (facet === 'licenseConflict') this.conflictCounts[e.licenseConflict ? 1 : 0]++;
    else if (facet === 'languages') this.countLanguages(e);
    else add(this.counts.get(facet)!, rowFacetValues(e, facet));
  }

  /** Every row facet's most frequent values. */
  all(limit: number): Record<RowFacetName, { value: string; count: number }[]> {
    return Object.fromEntries(ROW_FACETS.map((f) => [f, this.top(f, limit)])) as Record<RowFacetName, { value: string; count: number }[]>;
  }

  top(facet: RowFacetName, limit: number): { value: string; count: number }[] {
    return this.entries(facet)
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value))
      .slice(0, limit);
  }

  /**
   * A facet's values and counts: the column-counted languages added to those read from rows.
   * Always an array: `top`, compiled for one kind of iterable, would be thrown away for another.
   */
  private entries(facet: RowFacetName): [string, number][] {
    if (facet === 'licenseConflict') return BOOLEAN_FLAGS.map((v, i): [string, number] => [v, this.conflictCounts[i]]).filter(([, n]) => n > 0);
    if (facet !== 'languages') return [...this.counts.get(facet)!];
    const merged = new Map(this.languages);
    this.languageCounts.forEach((n, key) => {
      if (n) merged.set(this.languageValues[key], (merged.get(this.languageValues[key]) ?? 0) + n);
    });
    return [...merged];
  }
}
