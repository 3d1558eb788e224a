import { HubException } from './hub-exception';

/**
 * How deeply JSON may nest (objects and arrays, a body or an NDJSON line). No request of the hub
 * needs more than a few levels; validating a 3,000-level body overflowed the stack.
 */
export const MAX_JSON_DEPTH = 64;

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
export const LONE_SURROGATES = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export interface InputProblem {
  code: 'nul_character' | 'invalid_unicode' | 'nesting_too_deep';
  field: string;
  message: string;
}

/** What is wrong with one text (a name, a path, a value), or null: no NUL, no lone surrogate. */
export function textProblem(text: string, field: string): InputProblem | null {
  // PostgreSQL's text cannot hold U+0000, and nothing the hub stores needs it.
  if (text.includes('\u0000')) return { code: 'nul_character', field, message: `${field} contains a NUL character (U+0000 or %00), which no text may contain` };
  // A lone surrogate is not a character: it cannot be encoded as UTF-8 (headers, logs, PostgreSQL).
  if (text.search(LONE_SURROGATES) >= 0)
    return { code: 'invalid_unicode', field, message: `${field} contains a lone UTF-16 surrogate (such as \\ud800), which is not a character` };
  return null;
}

/**
 * The first problem of a parsed JSON value (or query object), walked without recursion so that
 * depth cannot overflow the stack: nesting past `MAX_JSON_DEPTH`, or a string or key that
 * `textProblem` refuses. `where` names the value in the message ("body", "query").
 */
export function jsonProblem(value: unknown, where: string): InputProblem | null {
  const stack: { value: unknown; field: string; depth: number }[] = [{ value, field: where, depth: 0 }];
  while (stack.length) {
    const { value: v, field, depth } = stack.pop()!;
    if (typeof v === 'string') {
      const problem = textProblem(v, field);
      if (problem) return problem;
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= MAX_JSON_DEPTH) {
      return { code: 'nesting_too_deep', field, message: `${where} nests objects or arrays more than ${MAX_JSON_DEPTH} levels deep` };
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], field: `${field}[${i}]`, depth: depth + 1 });
      continue;
    }
    for (const key of Object.keys(v)) {
      const keyProblem = textProblem(key, `a field name in ${field}`);
      if (keyProblem) return keyProblem;
      // Field names are the caller's: cut long ones so that the message stays readable.
      const inner = `${field}.${key.length > 100 ? `${key.slice(0, 100)}…` : key}`;
      stack.push({ value: (v as Record<string, unknown>)[key], field: inner, depth: depth + 1 });
    }
  }
  return null;
}

export function inputError(problem: InputProblem): HubException {
  return HubException.badRequest(problem.code, `Invalid request: ${problem.message}`, [{ field: problem.field, message: problem.message }]);
}

/** Throws the 400 of `jsonProblem`, if any. */
export function assertCleanJson(value: unknown, where: string): void {
  const problem = jsonProblem(value, where);
  if (problem) throw inputError(problem);
}
