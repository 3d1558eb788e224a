import { CatalogEntry, CatalogRow, EngineSort } from './catalog-types';
import { Interner } from './interner';
import { licenseAllowsCommercialUse } from './license-commercial-use';
import { paramBucket } from './param-buckets';

const NONE = -1;
/** Tags (and languages) per model kept in the flat arrays; the rare model with more keeps the rest aside. */
export const TAGS = 8;
export const LANGS = 4;
/** Bits of CatalogColumns.rowFields. */
export const ROW_FIELDS = 1;
export const MANY_LANGUAGES = 2;
export const lower = (s: string) => s.trim().toLowerCase();

/**
 * The columns of CatalogIndex and their upkeep (upsert, remove, growth); the queries over them
 * are CatalogIndex's. Layout: one typed array per fact, indexed by slot; a removed model's slot is
 * filled with the last one.
 */
export class CatalogColumns {
  protected n = 0;
  protected capacity = 0;
  protected rows: CatalogRow[] = [];
  protected readonly slots = new Map<string, number>();
  /** Document number → slot (-1: not in the index), and slot → document number. */
  protected slotByDoc = new Int32Array(1024).fill(-1);
  protected docBySlot = new Int32Array(0);
  /** Lower-cased model names and namespaces, by slot (relevance compares them with the query). */
  protected nameKeys: string[] = [];
  protected nsKeys: string[] = [];
  /** Relevance by slot for the current text query (see `matchedSlots`). */
  protected scoreColumn = new Float64Array(0);
  protected readonly namespaces = new Interner();
  protected readonly nsDisplay: string[] = [];
  /** Lower-cased namespace name → interned namespace (the `org` filter). */
  protected readonly namespaceByName = new Map<string, number>();
  protected readonly tasks = new Interner();
  protected readonly licenses = new Interner();
  protected readonly libraries = new Interner();
  protected readonly tags = new Interner();
  protected readonly languages = new Interner();
  protected readonly extraTags = new Map<string, number[]>();
  protected priv = new Uint8Array(0);
  /** 1 for a dataset, 0 for a model. */
  protected dataset = new Uint8Array(0);
  protected verified = new Uint8Array(0);
  /** ROW_FIELDS: dataset card fields to count from the row (most models have none); MANY_LANGUAGES: more than the column holds. */
  protected rowFields = new Uint8Array(0);
  protected licenseConflict = new Uint8Array(0);
  protected commercial = new Uint8Array(0);
  protected ns = new Int32Array(0);
  protected task = new Int32Array(0);
  protected license = new Int32Array(0);
  protected library = new Int32Array(0);
  protected tagCount = new Uint8Array(0);
  /** 1 when the model has more than TAGS tags (the rest are in extraTags). */
  protected moreTags = new Uint8Array(0);
  protected tagKeys = new Int32Array(0);
  protected langCount = new Uint8Array(0);
  protected langKeys = new Int32Array(0);
  protected params = new Float64Array(0);
  /** The parameter-size bucket by slot (-1: unknown size), so counting it costs one read. */
  protected paramBuckets = new Int8Array(0);
  protected sortKeys: Record<Exclude<EngineSort, 'relevance'>, Float64Array> = {
    downloads: new Float64Array(0),
    likes: new Float64Array(0),
    trending: new Float64Array(0),
    updated: new Float64Array(0),
    created: new Float64Array(0),
    parameters: new Float64Array(0),
  };

  get size(): number {
    return this.n;
  }

  get(id: string): CatalogEntry | undefined {
    const slot = this.slots.get(id);
    return slot === undefined ? undefined : this.rows[slot];
  }

  /** Document numbers of models known to the index (for dropping deleted ones from text matches). */
  knownDocs(ids: string[]): number[] {
    return ids.flatMap((id) => {
      const slot = this.slots.get(id);
      return slot === undefined || this.docBySlot[slot] < 0 ? [] : [this.docBySlot[slot]];
    });
  }

  clear(): void {
    this.n = 0;
    this.rows = [];
    this.nameKeys = [];
    this.nsKeys = [];
    this.slots.clear();
    this.slotByDoc.fill(-1);
    this.extraTags.clear();
  }

  upsert(row: CatalogRow): void {
    let slot = this.slots.get(row.id);
    if (slot === undefined) {
      if (this.n === this.capacity) this.grow(Math.max(1024, this.capacity * 2));
      slot = this.n++;
      this.slots.set(row.id, slot);
    }
    this.rows[slot] = row;
    this.nameKeys[slot] = row.name.toLowerCase();
    this.nsKeys[slot] = row.namespace.toLowerCase();
    this.setDoc(slot, row.docNo);
    const nsKey = this.namespaces.id(row.namespaceId);
    this.nsDisplay[nsKey] = row.namespace;
    this.namespaceByName.set(lower(row.namespace), nsKey);
    this.priv[slot] = row.private ? 1 : 0;
    this.dataset[slot] = row.kind === 'dataset' ? 1 : 0;
    this.verified[slot] = row.verified ? 1 : 0;
    const langKeys = [...new Set(row.languages.map((l) => this.languages.id(lower(l))))];
    this.rowFields[slot] =
      (row.taskCategories.length || row.sizeCategories.length || row.dataFormats.length ? ROW_FIELDS : 0) | (langKeys.length > LANGS ? MANY_LANGUAGES : 0);
    this.licenseConflict[slot] = row.licenseConflict ? 1 : 0;
    this.commercial[slot] = row.offerCommercial || licenseAllowsCommercialUse(row.license) ? 1 : 0;
    this.ns[slot] = nsKey;
    this.task[slot] = row.task ? this.tasks.id(lower(row.task)) : NONE;
    this.license[slot] = row.license ? this.licenses.id(lower(row.license)) : NONE;
    this.library[slot] = row.library ? this.libraries.id(lower(row.library)) : NONE;
    const tagKeys = [...new Set(row.tags.map((t) => this.tags.id(lower(t))))];
    this.tagCount[slot] = Math.min(tagKeys.length, TAGS);
    this.moreTags[slot] = tagKeys.length > TAGS ? 1 : 0;
    for (let i = 0; i < Math.min(tagKeys.length, TAGS); i++) this.tagKeys[slot * TAGS + i] = tagKeys[i];
    if (tagKeys.length > TAGS) this.extraTags.set(row.id, tagKeys.slice(TAGS));
    else this.extraTags.delete(row.id);
    this.langCount[slot] = Math.min(langKeys.length, LANGS);
    langKeys.slice(0, LANGS).forEach((k, i) => (this.langKeys[slot * LANGS + i] = k));
    this.params[slot] = row.parameters ?? NaN;
    this.paramBuckets[slot] = paramBucket(this.params[slot]);
    this.sortKeys.downloads[slot] = row.downloads;
    this.sortKeys.likes[slot] = row.likes;
    this.sortKeys.trending[slot] = row.trendingScore;
    this.sortKeys.updated[slot] = row.lastModified.getTime();
    this.sortKeys.created[slot] = row.createdAt.getTime();
    this.sortKeys.parameters[slot] = row.parameters ?? -1;
  }

  remove(id: string): void {
    const slot = this.slots.get(id);
    if (slot === undefined) return;
    this.slots.delete(id);
    this.extraTags.delete(id);
    if (this.docBySlot[slot] >= 0) this.slotByDoc[this.docBySlot[slot]] = -1;
    const last = --this.n;
    if (slot !== last) {
      this.rows[slot] = this.rows[last];
      this.nameKeys[slot] = this.nameKeys[last];
      this.nsKeys[slot] = this.nsKeys[last];
      this.slots.set(this.rows[slot].id, slot);
      if (this.docBySlot[last] >= 0) this.slotByDoc[this.docBySlot[last]] = slot;
      for (const col of this.columns()) {
        const width = col.length / this.capacity;
        col.copyWithin(slot * width, last * width, (last + 1) * width);
      }
    }
    this.rows.length = this.n;
    this.nameKeys.length = this.n;
    this.nsKeys.length = this.n;
  }

  protected setDoc(slot: number, doc: number): void {
    const previous = this.docBySlot[slot];
    if (previous >= 0 && previous < this.slotByDoc.length && this.slotByDoc[previous] === slot) this.slotByDoc[previous] = -1;
    this.docBySlot[slot] = doc;
    if (doc < 0) return;
    if (doc >= this.slotByDoc.length) {
      const grown = new Int32Array(Math.max(doc + 1, this.slotByDoc.length * 2)).fill(-1);
      grown.set(this.slotByDoc);
      this.slotByDoc = grown;
    }
    this.slotByDoc[doc] = slot;
  }

  protected columns(): (Uint8Array | Int8Array | Int32Array | Float64Array)[] {
    return [
      this.docBySlot,
      this.priv,
      this.dataset,
      this.verified,
      this.rowFields,
      this.licenseConflict,
      this.commercial,
      this.ns,
      this.task,
      this.license,
      this.library,
      this.tagCount,
      this.moreTags,
      this.tagKeys,
      this.langCount,
      this.langKeys,
      this.params,
      this.paramBuckets,
      ...Object.values(this.sortKeys),
    ];
  }

  protected grow(capacity: number): void {
    const resize = <T extends Uint8Array | Int8Array | Int32Array | Float64Array>(a: T, width = 1): T => {
      const b = new (a.constructor as new (n: number) => T)(capacity * width);
      b.set(a);
      return b;
    };
    this.docBySlot = resize(this.docBySlot);
    this.priv = resize(this.priv);
    this.dataset = resize(this.dataset);
    this.verified = resize(this.verified);
    this.rowFields = resize(this.rowFields);
    this.licenseConflict = resize(this.licenseConflict);
    this.commercial = resize(this.commercial);
    this.ns = resize(this.ns);
    this.task = resize(this.task);
    this.license = resize(this.license);
    this.library = resize(this.library);
    this.tagCount = resize(this.tagCount);
    this.moreTags = resize(this.moreTags);
    this.tagKeys = resize(this.tagKeys, TAGS);
    this.langCount = resize(this.langCount);
    this.langKeys = resize(this.langKeys, LANGS);
    this.params = resize(this.params);
    this.paramBuckets = resize(this.paramBuckets);
    for (const k of Object.keys(this.sortKeys) as (keyof typeof this.sortKeys)[]) this.sortKeys[k] = resize(this.sortKeys[k]);
    this.capacity = capacity;
  }

  /** From the column, or from the row for a model with more languages than the column holds. */
  protected hasLanguage(slot: number, key: number): boolean {
    const base = slot * LANGS;
    for (let i = 0; i < this.langCount[slot]; i++) if (this.langKeys[base + i] === key) return true;
    return (this.rowFields[slot] & MANY_LANGUAGES) !== 0 && this.rows[slot].languages.some((l) => this.languages.find(lower(l)) === key);
  }

  protected hasEveryTag(slot: number, keys: Int32Array): boolean {
    for (let i = 0; i < keys.length; i++) if (!this.hasTag(slot, keys[i])) return false;
    return true;
  }

  protected hasTag(slot: number, key: number): boolean {
    const base = slot * TAGS;
    for (let i = 0; i < this.tagCount[slot]; i++) if (this.tagKeys[base + i] === key) return true;
    return this.moreTags[slot] === 1 && (this.extraTags.get(this.rows[slot].id)?.includes(key) ?? false);
  }
}
