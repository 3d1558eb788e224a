/**
 * Text preparation for full-text search, shared by indexing (the card → `models.search_body`) and
 * querying (the query → a `to_tsquery('simple', …)` string), so both sides cut text the same way.
 *
 * PostgreSQL's parser keeps a run of Chinese (or Japanese, Korean) characters as ONE token, so a
 * word inside a sentence can never match. Here each such run becomes:
 * - its words, from `Intl.Segmenter` (`用于电商评论的中文情感分析模型` → 用于 电 商 评论 的 中文 情感 分析 模型),
 *   which rank exact word matches;
 * - its character bigrams (用于 于电 电商 商评 …), consecutive, so a query run matches as a phrase of
 *   bigrams (`电商` is found even where the segmenter cut 电|商 in context: substring semantics).
 * Latin text is left to PostgreSQL's own parser.
 */

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu;
const CJK_TEST = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
/** Characters a query word keeps; everything else separates words (tsquery operators included). */
const QUERY_WORD = /[\p{L}\p{N}]+/gu;

/** Longest card text (characters) that goes into the search document. */
export const MAX_INDEXED_TEXT = 20_000;

let segmenter: Intl.Segmenter | undefined;
const words = (run: string): string[] => {
  segmenter ??= new Intl.Segmenter('zh', { granularity: 'word' });
  const out: string[] = [];
  for (const s of segmenter.segment(run)) if (s.isWordLike) out.push(s.segment);
  return out;
};

/** Overlapping character pairs of a run (a single character stays itself). */
export function bigrams(run: string): string[] {
  const chars = [...run];
  if (chars.length < 2) return chars;
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
  return out;
}

export const hasCjk = (text: string) => CJK_TEST.test(text);

/**
 * The searchable text of a document: Latin parts as they are, each CJK run replaced by its words;
 * then, at the end, the bigrams of every CJK run (kept together so that a run's bigrams are
 * consecutive positions in the tsvector).
 */
export function searchDocument(text: string): string {
  const runs: string[] = [];
  const main = text.replace(CJK, (run) => {
    runs.push(run);
    return ` ${words(run).join(' ')} `;
  });
  const tail = runs.map((run) => bigrams(run).join(' ')).join(' ');
  return collapse(tail ? `${main} ${tail}` : main);
}

/**
 * The readable text of a model card: front-matter dropped, markdown reduced to its words (code
 * blocks, link targets, images, HTML tags and table rules removed), cut at MAX_INDEXED_TEXT.
 */
export function cardText(readme: string): string {
  let text = readme.replace(/^\uFEFF/, '');
  const fm = /^---\r?\n[\s\S]*?\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/.exec(text);
  if (fm) text = text.slice(fm[0].length);
  text = text
    .replace(/```[\s\S]*?(```|$)/g, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, ' ')
    .replace(/^\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s+/gm, '')
    .replace(/[|*_`~]+/g, ' ')
    .replace(/^[\s:-]+$/gm, ' ');
  return collapse(text).slice(0, MAX_INDEXED_TEXT);
}

/**
 * One condition of a query, all of which must match (AND): a Latin word as a prefix term, or a run
 * of CJK characters. Parts are matched (and their matches cached) one by one, so queries sharing
 * a word share its matches.
 */
export interface QueryPart {
  /** For `to_tsquery('simple', …)`; every term quoted, so no user input is read as an operator. */
  tsquery: string;
  /** The Latin word, when it is long enough to be corrected against the name vocabulary. */
  word?: string;
}

/** What a search query becomes: the normalised text and its parts (none: nothing searchable). */
export interface PreparedQuery {
  /** Lower-cased, trimmed, inner whitespace collapsed: compared with names. */
  text: string;
  parts: QueryPart[];
}

/** Most parts a query may have: each is a match in PostgreSQL (once) and a set to intersect. */
export const MAX_QUERY_PARTS = 10;

/** Shortest query word corrected against the vocabulary (shorter words have too few trigrams). */
export const MIN_CORRECTED_WORD = 3;

/**
 * A query as parts: every Latin word is a prefix term (`bert:*`, so partial words match the start
 * of words; words of one or two characters only in names); every CJK run is (its segmented words,
 * all present) OR (its bigrams as a phrase), a single CJK character a prefix term.
 */
export function prepareQuery(raw: string): PreparedQuery {
  const text = collapse(raw.normalize('NFKC').toLowerCase());
  const parts: QueryPart[] = [];
  const latin = text.replace(CJK, ' ');
  for (const m of latin.matchAll(QUERY_WORD)) {
    const word = m[0];
    const length = [...word].length;
    // Words of one or two characters are too short for trigrams and match the start of a word in
    // a name only (weight A), or they would match half the catalogue's cards.
    parts.push(length <= 2 ? { tsquery: `${quote(word)}:*A` } : { tsquery: `${quote(word)}:*`, word });
  }
  for (const m of text.matchAll(CJK)) {
    const run = m[0];
    const chars = [...run];
    if (chars.length === 1) {
      parts.push({ tsquery: `${quote(run)}:*` });
      continue;
    }
    const phrase = bigrams(run).map(quote).join(' <-> ');
    // The words alternative finds the words apart (中文 … 情感分析); single characters are too
    // common to stand alone, so a run the segmenter cuts into single characters is a phrase only.
    const ws = words(run);
    const wordsAlone = ws.length > 1 && ws.every((w) => [...w].length > 1);
    parts.push({ tsquery: wordsAlone ? `((${ws.map(quote).join(' & ')}) | (${phrase}))` : `(${phrase})` });
  }
  // A repeated word is one condition.
  const unique = [...new Map(parts.map((p) => [p.tsquery, p])).values()];
  return { text, parts: unique };
}

/**
 * A part widened by the name words its word may have meant (`lama` → `llama`, `bert` → `roberta`):
 * each an exact name-word term (weight A), so a correction only ever matches names.
 */
export function withCorrections(part: QueryPart, corrections: readonly string[] | undefined): string {
  if (!corrections?.length) return part.tsquery;
  return `(${[part.tsquery, ...corrections.map((c) => `${quote(c)}:A`)].join(' | ')})`;
}

const quote = (term: string) => `'${term.replace(/'/g, "''").replace(/\\/g, '\\\\')}'`;
const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Relevance tiers: a name match always outranks a match in tags or card alone. */
const EXACT_NAME = 100;
const NAME_PREFIX = 20;
const NAME_CONTAINS = 10;
const TEXT_RANK = 10;

/** What relevance compares names with: the query cut once (relevance runs per match). */
export interface NameQuery {
  /** The query, or its part after the slash of `ns/name`. */
  name: string;
  /** The part before the slash of `ns/name`, else null. */
  namespace: string | null;
}

export function nameQuery(query: PreparedQuery): NameQuery {
  const slash = query.text.indexOf('/');
  return slash >= 0 ? { name: query.text.slice(slash + 1), namespace: query.text.slice(0, slash) } : { name: query.text, namespace: null };
}

/**
 * A model's relevance for a query (`name` and `namespace` lower-cased): exact name 100 (a query
 * `ns/name` must also match the namespace), name prefix 20, name substring 10, + 10 × the text
 * rank (0-1: the mean ts_rank of the query's parts, which weighs a match in the name, corrections
 * included, above one in tags and one in the card). A plain function of plain data, not a
 * closure per query: it runs once per match, and V8 keeps one call target optimised.
 */
export function relevance(query: NameQuery, name: string, namespace: string, textRank: number): number {
  let score = TEXT_RANK * textRank;
  if (name === query.name && (query.namespace === null || namespace === query.namespace)) score += EXACT_NAME;
  if (name.startsWith(query.name)) score += NAME_PREFIX;
  if (name.includes(query.name)) score += NAME_CONTAINS;
  return score;
}
