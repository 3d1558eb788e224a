import { HubException } from '../common/hub-exception';
import { printable } from '../common/printable';

// The callers in repo-history name paths and refs in their messages the same way.
export { printable };

// Control characters (C0, DEL, C1): invisible in listings and unsafe in file systems and headers.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Rules for a file path inside a repository (what a commit may write):
 * - relative, '/'-separated: not starting with '/', no empty, '.' or '..' segment;
 * - no control characters and no '\' anywhere: Windows clients read it as a separator, so
 *   'a\..\b' would escape a download folder there;
 * - at most `maxLength` characters;
 * - nothing inside `.git/` (any segment named `.git`), which git clients would refuse.
 * Throws a 400 `invalid_path` naming the path and the rule it breaks.
 */
export function assertValidRepoPath(path: string, maxLength: number): void {
  const problem = repoPathProblem(path, maxLength);
  if (problem) {
    throw HubException.badRequest('invalid_path', `Invalid path '${printable(path)}': ${problem}`, [{ field: 'path', message: problem }]);
  }
}

export function repoPathProblem(path: string, maxLength: number): string | null {
  if (typeof path !== 'string' || path.length === 0) return 'the path is empty';
  if (path.length > maxLength) return `the path is ${path.length} characters long, the limit is ${maxLength}`;
  if (CONTROL.test(path)) return 'the path contains a control character';
  if (path.startsWith('/')) return 'absolute paths are not allowed: give the path relative to the repository root';
  if (/^[A-Za-z]:[\\/]/.test(path)) return 'absolute (drive-letter) paths are not allowed';
  if (path.includes('\\')) return "'\\' is not allowed: paths are '/'-separated";
  const segments = path.split('/');
  if (segments.some((s) => s === '..')) return "'..' segments are not allowed";
  if (segments.some((s) => s === '.')) return "'.' segments are not allowed";
  if (segments.some((s) => s === '')) return "empty segments ('//' or a trailing '/') are not allowed";
  if (segments.some((s) => s.toLowerCase() === '.git')) return "nothing may be written inside '.git/'";
  return null;
}

/** A folder path as `deleteFolder` and tree listings take it: trailing slashes dropped. */
export function normalizeFolderPath(path: string): string {
  return path.replace(/\/+$/, '');
}

// eslint-disable-next-line no-control-regex -- git refuses control characters in ref names
const REF_FORBIDDEN = /[\s~^:?*[\\\u0000-\u001f\u007f]/;

/**
 * git's ref-name rules (`git check-ref-format`), shared by branches and versions: 1-200
 * characters; no whitespace, control characters or any of `~ ^ : ? * [ \`; no `..`, `@{` or
 * `//`; not starting or ending with '/' or '.', not starting with '-'; no segment starting with
 * '.' or ending with '.lock'; not `HEAD` or `@`. The hub also refuses names starting with
 * `refs/` (revisions spell refs that way) and 40-hex names (they would read as commit ids).
 */
export function refNameProblem(name: string): string | null {
  if (typeof name !== 'string' || name.length === 0) return 'the name is empty';
  if (name.length > 200) return 'the name is longer than 200 characters';
  if (REF_FORBIDDEN.test(name)) return 'the name must not contain spaces, control characters or any of ~ ^ : ? * [ \\';
  if (name.includes('..')) return "the name must not contain '..'";
  if (name.includes('@{')) return "the name must not contain '@{'";
  if (name.includes('//')) return "the name must not contain '//'";
  if (/^[/.-]|[/.]$/.test(name)) return "the name must not start with '/', '.' or '-', nor end with '/' or '.'";
  if (name.split('/').some((s) => s.startsWith('.') || s.endsWith('.lock'))) return "no part of the name may start with '.' or end with '.lock'";
  if (name === 'HEAD' || name === '@') return `'${name}' is reserved`;
  if (name.startsWith('refs/')) return "the name must not start with 'refs/'";
  if (/^[0-9a-f]{40}$/i.test(name)) return 'the name must not look like a commit id (40 hexadecimal characters)';
  return null;
}

export function assertValidRefName(name: string, what: 'branch' | 'version', code: string): void {
  const problem = refNameProblem(name);
  if (problem) throw HubException.badRequest(code, `Invalid ${what} name '${printable(name)}': ${problem}`, [{ field: 'name', message: problem }]);
}
