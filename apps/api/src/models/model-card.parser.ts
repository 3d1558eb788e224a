import { Injectable } from '@nestjs/common';
import { parseDocument } from 'yaml';
import { cardSchemaProblems } from './hf-card-schema';
import { BASE_MODEL_RELATIONS, isBaseModelRelation } from '../lineage/lineage-relation';
import type { ModelCardColumns } from './model.repository';

/** Which card: a model's or a dataset's (Hugging Face defines different fields for each). */
export type CardKind = 'model' | 'dataset';

/** What a model card yields: the metadata columns and the problems found (never an exception). */
export type ParsedModelCard = Omit<ModelCardColumns, 'cardWarnings'> & { warnings: string[] };

/** HF's `/api/validate-yaml` answer: problems as `{message}` objects, errors only when unparsable. */
export interface YamlValidation {
  errors: { message: string }[];
  warnings: { message: string }[];
}

const MAX_VALUE_LENGTH = 256;
const MAX_LIST_LENGTH = 1000;
const MAX_ALIASES = 100;

type FrontMatter = { kind: 'none' } | { kind: 'unclosed' } | { kind: 'yaml'; text: string; firstLine: number };

const EMPTY: Omit<ParsedModelCard, 'warnings'> = {
  cardData: null,
  license: null,
  pipelineTag: null,
  libraryName: null,
  tags: [],
  languages: [],
  datasets: [],
  baseModels: [],
  taskCategories: [],
  sizeCategories: [],
};

/**
 * Reads a repository card: `README.md` whose YAML front-matter (between a first line `---` and the
 * next `---` line) holds the metadata Hugging Face defines: for both kinds `license`, `tags`,
 * `language`; for models `pipeline_tag`, `library_name`, `datasets`, `base_model` (with
 * `base_model_relation`); for datasets `task_categories`, `size_categories` (`task_ids`,
 * `pretty_name` and `configs` stay in `cardData`). A broken card must never break a commit, so
 * malformed YAML and values of the wrong type become warnings and the field is left empty;
 * everything else in the front-matter is kept as `cardData`.
 */
@Injectable()
export class ModelCardParser {
  parse(readme: string | null, kind: CardKind = 'model'): ParsedModelCard {
    if (readme === null) return { ...EMPTY, warnings: [] };
    const fm = extractFrontMatter(readme);
    if (fm.kind === 'none') return { ...EMPTY, warnings: ['README.md has no YAML metadata block (a first line "---", the metadata, then a line "---")'] };
    if (fm.kind === 'unclosed') return { ...EMPTY, warnings: ['The YAML metadata block of README.md is not closed by a line "---"; no metadata was read'] };
    const parsed = parseYaml(fm.text, fm.firstLine);
    if (parsed.errors.length) return { ...EMPTY, warnings: parsed.errors.map((e) => `Invalid YAML metadata in README.md: ${e}`) };
    return fromMetadata(parsed.value, parsed.warnings, kind);
  }

  /**
   * Hugging Face's `POST /api/validate-yaml`: `content` is the README; errors when its YAML
   * cannot be parsed or breaks Hugging Face's schema (`model-index` not a list), type problems
   * and unknown tasks are warnings.
   */
  validateYaml(content: string): YamlValidation {
    const fm = extractFrontMatter(content);
    if (fm.kind === 'yaml') {
      const parsed = parseYaml(fm.text, fm.firstLine);
      if (parsed.errors.length) return { errors: parsed.errors.map((message) => ({ message })), warnings: [] };
    }
    const card = this.parse(content);
    const schema = cardSchemaProblems(card.cardData ?? {});
    const toMessages = (list: string[]) => list.map((message) => ({ message }));
    return { errors: toMessages(schema.errors), warnings: toMessages([...card.warnings, ...schema.warnings]) };
  }
}

function extractFrontMatter(text: string): FrontMatter {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[0]?.trimEnd() !== '---') return { kind: 'none' };
  const end = lines.findIndex((line, i) => i > 0 && (line.trimEnd() === '---' || line.trimEnd() === '...'));
  if (end < 0) return { kind: 'unclosed' };
  return { kind: 'yaml', text: lines.slice(1, end).join('\n'), firstLine: 2 };
}

function parseYaml(text: string, firstLine: number): { value: unknown; errors: string[]; warnings: string[] } {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const where = (e: { linePos?: [{ line: number; col: number }, ...unknown[]] }) =>
    e.linePos ? ` (README.md line ${e.linePos[0].line + firstLine - 1}, column ${e.linePos[0].col})` : '';
  const errors = doc.errors.map((e) => `${firstSentence(e.message)}${where(e as never)}`);
  const warnings = doc.warnings.map((w) => `YAML: ${firstSentence(w.message)}${where(w as never)}`);
  if (errors.length) return { value: null, errors, warnings };
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIASES }), errors, warnings };
  } catch (e) {
    return { value: null, errors: [`the YAML cannot be expanded: ${(e as Error).message}`], warnings };
  }
}

// With prettyErrors the message's first line ends with " at line L, column C:" (front-matter lines); we give README lines.
const firstSentence = (message: string) =>
  message
    .split('\n')[0]
    .replace(/ at line \d+, column \d+:?$/, '')
    .trim();

function fromMetadata(value: unknown, warnings: string[], kind: CardKind): ParsedModelCard {
  if (value === null || value === undefined) return { ...EMPTY, cardData: {}, warnings: [...warnings, 'The YAML metadata block of README.md is empty'] };
  if (typeof value !== 'object' || Array.isArray(value)) {
    return { ...EMPTY, warnings: [...warnings, `The YAML metadata of README.md must be a mapping of keys to values, not ${describe(value)}`] };
  }
  const meta = jsonSafe(value) as Record<string, unknown>;
  const w = [...warnings];
  const license = oneString(meta, 'license', w);
  if (kind === 'dataset') {
    const tags = stringList(meta, 'tags', w);
    const languages = stringList(meta, 'language', w);
    const taskCategories = stringList(meta, 'task_categories', w);
    stringList(meta, 'task_ids', w);
    const sizeCategories = stringList(meta, 'size_categories', w);
    oneString(meta, 'pretty_name', w);
    return { ...EMPTY, cardData: meta, license, tags, languages, taskCategories, sizeCategories, warnings: w };
  }
  const parsed = {
    ...EMPTY,
    cardData: meta,
    license,
    pipelineTag: oneString(meta, 'pipeline_tag', w),
    libraryName: oneString(meta, 'library_name', w),
    tags: stringList(meta, 'tags', w),
    languages: stringList(meta, 'language', w),
    datasets: stringList(meta, 'datasets', w),
    baseModels: stringList(meta, 'base_model', w),
  };
  const relation = meta.base_model_relation;
  if (relation !== undefined && relation !== null && !isBaseModelRelation(relation)) {
    w.push(`"base_model_relation" must be one of ${BASE_MODEL_RELATIONS.join(', ')}, not ${describe(relation)}; the relation is inferred instead`);
  }
  return { ...parsed, warnings: w };
}

function oneString(meta: Record<string, unknown>, key: string, warnings: string[]): string | null {
  const v = meta[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') {
    warnings.push(`"${key}" must be a string, not ${describe(v)}; it was ignored`);
    return null;
  }
  return checkedString(v, key, warnings);
}

/** A field that may be one string or a list of strings (`language: en` or `language: [en, fr]`). */
function stringList(meta: Record<string, unknown>, key: string, warnings: string[]): string[] {
  const v = meta[key];
  if (v === undefined || v === null) return [];
  const items = typeof v === 'string' ? [v] : Array.isArray(v) ? v : null;
  if (!items) {
    warnings.push(`"${key}" must be a string or a list of strings, not ${describe(v)}; it was ignored`);
    return [];
  }
  const out = new Set<string>();
  items.forEach((item, i) => {
    if (typeof item !== 'string') {
      warnings.push(`"${key}[${i}]" must be a string, not ${describe(item)}; it was ignored`);
      return;
    }
    const s = checkedString(item, `${key}[${i}]`, warnings);
    if (s !== null) out.add(s);
  });
  if (out.size > MAX_LIST_LENGTH) {
    warnings.push(`"${key}" has ${out.size} entries; only the first ${MAX_LIST_LENGTH} were kept`);
    return [...out].slice(0, MAX_LIST_LENGTH);
  }
  return [...out];
}

function checkedString(v: string, key: string, warnings: string[]): string | null {
  const s = v.trim();
  if (!s) return null;
  if (s.length > MAX_VALUE_LENGTH) {
    warnings.push(`"${key}" is longer than ${MAX_VALUE_LENGTH} characters; it was ignored`);
    return null;
  }
  return s;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `a ${typeof v} (${JSON.stringify(v)})`;
}

/**
 * A plain JSON value PostgreSQL's jsonb accepts: no NUL characters (jsonb refuses "\u0000"),
 * non-finite numbers as null, dates as ISO strings, no prototype tricks from keys.
 */
function jsonSafe(v: unknown): unknown {
  if (typeof v === 'string') return v.replaceAll('\u0000', '');
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(jsonSafe);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = Object.create(null);
    for (const [k, val] of Object.entries(v)) out[k.replaceAll('\u0000', '')] = jsonSafe(val);
    return { ...out };
  }
  return typeof v === 'boolean' || v === null ? v : null;
}
