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

/** What a search query becomes: the normalised text and the tsquery (null: nothing searchable). */
export interface PreparedQuery {
  /** Lower-cased, trimmed, inner whitespace collapsed: compared with names. */
  text: string;
  /** For `to_tsquery('simple', …)`; every term quoted, so no user input is read as an operator. */
  tsquery: string | null;
}

/**
 * A query as tsquery: every Latin word is a prefix term (`bert:*`, so partial words match the
 * start of words; words of one or two characters only in names); every CJK run is (its segmented words, all present) OR (its
 * bigrams as a phrase), a single CJK character a prefix term. All parts must match (AND).
 */
export function prepareQuery(raw: string): PreparedQuery {
  const text = collapse(raw.normalize('NFKC').toLowerCase());
  const parts: string[] = [];
  const latin = text.replace(CJK, ' ');
  // Words of one or two characters are too short for trigrams and match the start of a word in
  // a name only (weight A), or they would match half the catalogue's cards.
  for (const m of latin.matchAll(QUERY_WORD)) parts.push(`${quote(m[0])}:*${[...m[0]].length <= 2 ? 'A' : ''}`);
  for (const m of text.matchAll(CJK)) {
    const run = m[0];
    const chars = [...run];
    if (chars.length === 1) {
      parts.push(`${quote(run)}:*`);
      continue;
    }
    const phrase = bigrams(run).map(quote).join(' <-> ');
    // The words alternative finds the words apart (中文 … 情感分析); single characters are too
    // common to stand alone, so a run the segmenter cuts into single characters is a phrase only.
    const ws = words(run);
    const wordsAlone = ws.length > 1 && ws.every((w) => [...w].length > 1);
    parts.push(wordsAlone ? `((${ws.map(quote).join(' & ')}) | (${phrase}))` : `(${phrase})`);
  }
  return { text, tsquery: parts.length ? parts.join(' & ') : null };
}

const quote = (term: string) => `'${term.replace(/'/g, "''").replace(/\\/g, '\\\\')}'`;
const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Relevance tiers: a name match always outranks a match in tags or card alone. */
const EXACT_NAME = 100;
const NAME_PREFIX = 20;
const NAME_CONTAINS = 10;
const SIMILARITY = 10;
const TEXT_RANK = 10;

/**
 * A model's relevance for a query: exact name 100 (a query `ns/name` must also match the
 * namespace), name prefix 20, name substring 10, + 10 × the name's trigram word similarity
 * (0-1) + 10 × the document's ts_rank (0-1).
 */
export function relevance(query: PreparedQuery, model: { namespace: string; name: string }, match: { rank: number; similarity: number }): number {
  const slash = query.text.indexOf('/');
  const wanted = slash >= 0 ? query.text.slice(slash + 1) : query.text;
  const name = model.name.toLowerCase();
  let score = SIMILARITY * match.similarity + TEXT_RANK * match.rank;
  if (name === wanted && (slash < 0 || model.namespace.toLowerCase() === query.text.slice(0, slash))) score += EXACT_NAME;
  if (name.startsWith(wanted)) score += NAME_PREFIX;
  if (name.includes(wanted)) score += NAME_CONTAINS;
  return score;
}
