import { EngineCriteria, EngineResult, EngineSort, TextMatches } from './catalog-types';
import { CatalogColumns, LANGS, lower, MANY_LANGUAGES, ROW_FIELDS, TAGS } from './catalog-columns';
import { matchesEveryHfTag, parseHfTag } from './hf-tags';
import { Interner } from './interner';
import { PARAM_BUCKETS, paramBucketCounts } from './param-buckets';
import { RowFacetCounter, rowFilterList, rowMatches } from './row-facets';
import { relevance } from './search-text';
import { TopK, topValues } from './top-k';

/**
 * Every model's filterable, sortable and facetable facts, in memory, for one API process. It is a
 * cache of PostgreSQL (SearchEngine keeps it fresh before every query), not a store.
 *
 * Why in memory: facet counts must be exact over the whole match set with each facet's own
 * filter left out. Measured here, PostgreSQL needs 25-60 ms to group 100,000 rows (one GROUP BY,
 * let alone five with different filters); one pass over these arrays computes all five in a few
 * milliseconds. Full-text matching and ranking stay in PostgreSQL (GIN indexes); this index
 * filters, counts, sorts and pages.
 *
 * Layout: one typed array per fact, indexed by slot (columnar), so a pass over 100,000 models
 * reads memory sequentially; strings are interned to integers. A removed model's slot is filled
 * with the last one. Text matches name models by document number instead (`CatalogRow.docNo`,
 * given once per model by PostgreSQL), so cached matches stay valid as slots move.
 */
export class CatalogIndex extends CatalogColumns {
  query(c: EngineCriteria): EngineResult {
    // A text query visits its matches only (as slots), scored when sorted by relevance.
    const matches = c.textMatches ? this.matchedSlots(c.textMatches, c.sort === 'relevance') : null;
    const scores = matches?.scores ?? null;
    const value = this.slotValue(c.sort, scores);
    // Facet filters as interned keys; a value no model has matches nothing (-2).
    const keyOf = (interner: Interner, v: string | undefined) => (v === undefined ? undefined : (interner.find(lower(v)) ?? -2));
    const taskKey = keyOf(this.tasks, c.task);
    const licenseKey = keyOf(this.licenses, c.license);
    const libraryKey = keyOf(this.libraries, c.library);
    const orgKey = c.org === undefined ? undefined : (this.namespaceByName.get(lower(c.org)) ?? -2);
    // A typed array: a plain array's map depends on whether the code that built it was optimized.
    const tagKeys = c.tags?.length ? Int32Array.from(c.tags, (t) => keyOf(this.tags, t)!) : undefined;
    const hfTags = c.hfTags?.map(parseHfTag);
    const language = c.language === undefined ? undefined : (this.languages.find(lower(c.language)) ?? -2);
    const nameContains = c.nameContains?.toLowerCase();
    const rowFilters = rowFilterList(c.rowFilters);
    const rowCounts = c.facets ? new RowFacetCounter(this.languages.values) : null;
    const countLanguage = rowCounts?.languageCounts ?? new Uint32Array(0);
    const countConflict = rowCounts?.conflictCounts ?? new Uint32Array(0);
    // Private models are visible through their namespace: one flag per interned namespace.
    const visibleNs = new Uint8Array(this.namespaces.size);
    for (const id of c.visibleNamespaceIds ?? []) {
      const k = this.namespaces.find(id);
      if (k !== undefined) visibleNs[k] = 1;
    }
    const counts = c.facets
      ? {
          task: new Uint32Array(this.tasks.size),
          license: new Uint32Array(this.licenses.size),
          library: new Uint32Array(this.libraries.size),
          org: new Uint32Array(this.namespaces.size),
          tags: new Uint32Array(this.tags.size),
          commercial: new Uint32Array(2),
          verified: new Uint32Array(2),
          parameters: new Uint32Array(PARAM_BUCKETS.length),
        }
      : null;
    const top = new TopK(c.limit + 1, value, this.rows);
    const after = c.after;
    // The sort key column itself when there is one (not for relevance with a text query).
    const keys = c.sort === 'relevance' ? (scores ?? this.sortKeys.trending) : this.sortKeys[c.sort];
    const {
      priv,
      dataset,
      ns,
      task,
      license,
      library,
      tagCount,
      moreTags,
      tagKeys: flatTags,
      params,
      paramBuckets,
      commercial,
      verified,
      langCount,
      langKeys,
      rowFields,
      licenseConflict,
    } = this;
    const empty = new Uint32Array(0);
    const [countTask, countLicense, countLibrary, countOrg, countTags, countCommercial, countVerified, countParams] = counts
      ? [counts.task, counts.license, counts.library, counts.org, counts.tags, counts.commercial, counts.verified, counts.parameters]
      : [empty, empty, empty, empty, empty, empty, empty, empty];
    let total = 0;
    // Criteria as plain locals: the loop below runs once per model.
    const wantDataset = c.kind === undefined ? -1 : c.kind === 'dataset' ? 1 : 0;
    const wantCommercial = c.commercial === undefined ? -1 : c.commercial ? 1 : 0;
    const wantVerified = c.verified === undefined ? -1 : c.verified ? 1 : 0;
    const minParams = c.minParams ?? -Infinity;
    const maxParams = c.maxParams ?? Infinity;
    const anyParams = minParams > -Infinity || maxParams < Infinity;
    const anyFacetFilter =
      taskKey !== undefined ||
      licenseKey !== undefined ||
      libraryKey !== undefined ||
      orgKey !== undefined ||
      tagKeys !== undefined ||
      wantCommercial >= 0 ||
      wantVerified >= 0 ||
      anyParams;
    const countFacets = counts !== null;

    const matched = matches?.slots ?? null;
    const count = matched ? matched.length : this.n;
    // No closure in this loop captures `slot`: a captured loop variable lives in a context object
    // allocated per model, and code compiled for one such context is thrown away for another.
    for (let i = 0; i < count; i++) {
      const slot = matched ? matched[i] : i;
      if (priv[slot] && !visibleNs[ns[slot]]) continue;
      if (wantDataset >= 0 && dataset[slot] !== wantDataset) continue;
      if (language !== undefined && !this.hasLanguage(slot, language)) continue;
      if (nameContains !== undefined && !this.rows[slot].name.toLowerCase().includes(nameContains)) continue;
      if (hfTags && !matchesEveryHfTag(this.rows[slot], hfTags)) continue;

      // The facet filters: a model failing exactly one of them still counts in that facet.
      let failed = 0;
      let failures = 0;
      if (anyFacetFilter) {
        if (taskKey !== undefined && task[slot] !== taskKey) {
          failed = F_TASK;
          failures++;
        }
        if (licenseKey !== undefined && license[slot] !== licenseKey) {
          failed = F_LICENSE;
          failures++;
        }
        if (libraryKey !== undefined && library[slot] !== libraryKey) {
          failed = F_LIBRARY;
          failures++;
        }
        if (orgKey !== undefined && ns[slot] !== orgKey) {
          failed = F_ORG;
          failures++;
        }
        if (wantCommercial >= 0 && commercial[slot] !== wantCommercial) {
          failed = F_COMMERCIAL;
          failures++;
        }
        if (wantVerified >= 0 && verified[slot] !== wantVerified) {
          failed = F_VERIFIED;
          failures++;
        }
        // An unknown size (NaN) fails any range.
        if (anyParams && !(params[slot] >= minParams && params[slot] <= maxParams)) {
          failed = F_PARAMS;
          failures++;
        }
        if (failures > 1) continue;
        if (tagKeys && !this.hasEveryTag(slot, tagKeys)) {
          failed = F_TAGS;
          failures++;
        }
        if (failures > 1) continue;
      }
      // Row facets (dataset fields, licence conflict): the same rule, one failure across all facets.
      let rowFailed = -1;
      if (rowFilters) {
        for (let f = 0; f < rowFilters.length; f++) {
          if (rowMatches(this.rows[slot], rowFilters[f][0], rowFilters[f][1])) continue;
          rowFailed = f;
          failed = F_ROW;
          failures++;
        }
        if (failures > 1) continue;
      }

      // A model failing only a row facet's filter counts in that facet alone.
      if (rowCounts) {
        if (failures === 0) {
          const fields = rowFields[slot];
          if (fields & ROW_FIELDS) rowCounts.countFields(this.rows[slot]);
          if (fields & MANY_LANGUAGES) rowCounts.countLanguages(this.rows[slot]);
          else for (let t = slot * LANGS, end = t + langCount[slot]; t < end; t++) countLanguage[langKeys[t]]++;
          countConflict[licenseConflict[slot]]++;
        } else if (rowFailed >= 0) rowCounts.count(this.rows[slot], rowFilters![rowFailed][0]);
      }
      if (countFacets) {
        if (task[slot] >= 0 && (failures === 0 || failed === F_TASK)) countTask[task[slot]]++;
        if (license[slot] >= 0 && (failures === 0 || failed === F_LICENSE)) countLicense[license[slot]]++;
        if (library[slot] >= 0 && (failures === 0 || failed === F_LIBRARY)) countLibrary[library[slot]]++;
        if (failures === 0 || failed === F_ORG) countOrg[ns[slot]]++;
        if (failures === 0 || failed === F_TAGS) {
          for (let t = slot * TAGS, end = t + tagCount[slot]; t < end; t++) countTags[flatTags[t]]++;
          if (moreTags[slot]) for (const k of this.extraTags.get(this.rows[slot].id) ?? []) countTags[k]++;
        }
        if (failures === 0 || failed === F_COMMERCIAL) countCommercial[commercial[slot]]++;
        if (failures === 0 || failed === F_VERIFIED) countVerified[verified[slot]]++;
        if (paramBuckets[slot] >= 0 && (failures === 0 || failed === F_PARAMS)) countParams[paramBuckets[slot]]++;
      }
      if (failures) continue;
      total++;
      if (after) {
        const v = value(slot);
        if (v > after.value || (v === after.value && this.rows[slot].id >= after.id)) continue;
      }
      // Most slots rank below the k kept so far: one comparison turns them away.
      if ((keys ? keys[slot] : value(slot)) >= top.floor) top.offer(slot);
    }

    const best = top.sorted();
    return {
      total,
      items: best.map((slot) => this.rows[slot]),
      sortValues: best.map(value),
      facets: counts && {
        task: topValues(counts.task, this.tasks.values, c.facetLimit),
        license: topValues(counts.license, this.licenses.values, c.facetLimit),
        library: topValues(counts.library, this.libraries.values, c.facetLimit),
        org: topValues(counts.org, this.nsDisplay, c.facetLimit),
        tags: topValues(counts.tags, this.tags.values, c.facetLimit),
        commercial: topValues(counts.commercial, BOOLEAN_VALUES, 2),
        verified: topValues(counts.verified, BOOLEAN_VALUES, 2),
        parameters: paramBucketCounts(counts.parameters),
        ...rowCounts!.all(c.facetLimit),
      },
    };
  }

  /** The number a slot sorts by (descending). Models without parameters sort last (-1). */
  private slotValue(sort: EngineSort, scores: Float64Array | null): (slot: number) => number {
    if (sort === 'relevance') {
      // Without a text query, relevance is popularity: the trending order.
      if (!scores) return this.slotValue('trending', null);
      return (slot) => scores[slot];
    }
    const keys = this.sortKeys[sort];
    return (slot) => keys[slot];
  }

  /**
   * The slots of the text matches still in the index and, when wanted, their relevance by slot
   * (a column like the sort keys, so ranking reads it the same way).
   */
  private matchedSlots(text: TextMatches, scored: boolean): { slots: Int32Array; scores: Float64Array | null } {
    const slots = new Int32Array(text.docs.length);
    // One column reused by every query (queries run one at a time, synchronously): only the
    // matched slots are written, and only they are read, so it is never cleared.
    if (scored && this.scoreColumn.length < this.capacity) this.scoreColumn = new Float64Array(this.capacity);
    const scores = scored ? this.scoreColumn : null;
    const { slotByDoc, nameKeys, nsKeys } = this;
    let m = 0;
    for (let i = 0; i < text.docs.length; i++) {
      const doc = text.docs[i];
      const slot = doc < slotByDoc.length ? slotByDoc[doc] : -1;
      // A model created after the refresh began is not in the index yet: it shows next time.
      if (slot < 0) continue;
      slots[m++] = slot;
      if (scores) scores[slot] = relevance(text.query, nameKeys[slot], nsKeys[slot], text.ranks[i]);
    }
    return { slots: slots.subarray(0, m), scores };
  }
}

const F_TASK = 1;
const F_LICENSE = 2;
const F_LIBRARY = 3;
const F_ORG = 4;
const F_TAGS = 5;
const F_ROW = 6;
const F_COMMERCIAL = 7;
const F_VERIFIED = 8;
const F_PARAMS = 9;
/** Boolean columns hold 0/1: their facet values by index. */
const BOOLEAN_VALUES = ['false', 'true'];
