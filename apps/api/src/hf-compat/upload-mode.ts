import picomatch from 'picomatch';

/**
 * Which files go through LFS (client → S3 by presigned URL) and which travel inline in the
 * commit. A file is `lfs` when any of these holds, `regular` otherwise:
 *  - it is larger than the threshold (LFS_THRESHOLD_BYTES, default 10 MiB, as on Hugging Face);
 *  - its first 512 bytes (the `sample`) contain a NUL byte, i.e. it looks binary;
 *  - a `filter=lfs` pattern of the .gitattributes sent with the request matches its path.
 * Empty files are always `regular`.
 */
export function uploadModeFor(
  file: { path: string; size: number; sample?: string },
  options: { thresholdBytes: number; lfsPatterns: ((path: string) => boolean)[] },
): 'lfs' | 'regular' {
  if (file.size === 0) return 'regular';
  if (file.size > options.thresholdBytes) return 'lfs';
  if (file.sample && Buffer.from(file.sample, 'base64').includes(0)) return 'lfs';
  return options.lfsPatterns.some((matches) => matches(file.path)) ? 'lfs' : 'regular';
}

/** Matchers for the `filter=lfs` lines of a .gitattributes file (git's glob rules, simplified). */
export function lfsPatternsFrom(gitAttributes: string | undefined): ((path: string) => boolean)[] {
  if (!gitAttributes) return [];
  return gitAttributes
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => line.split(/\s+/))
    .filter(([, ...attributes]) => attributes.includes('filter=lfs'))
    .map(([pattern]) => {
      // A pattern without a slash matches at any depth, as in git.
      const glob = pattern.includes('/') ? pattern.replace(/^\//, '') : `**/${pattern}`;
      return picomatch(glob, { dot: true });
    });
}

/**
 * Whether a path is ignored by a .gitignore (huggingface_hub skips files the answer marks
 * `shouldIgnore`): the last matching line wins, `!` re-includes, a pattern without a slash (other
 * than a trailing one) matches at any depth, a trailing slash matches a folder and all inside it.
 */
export function ignoreMatcherFrom(gitIgnore: string | undefined): (path: string) => boolean {
  if (!gitIgnore) return () => false;
  const rules = gitIgnore
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const negated = line.startsWith('!');
      let pattern = negated ? line.slice(1) : line;
      const folder = pattern.endsWith('/');
      pattern = pattern.replace(/\/+$/, '');
      const anchored = pattern.includes('/');
      const glob = anchored ? pattern.replace(/^\//, '') : `**/${pattern}`;
      return { negated, matches: picomatch(folder ? `${glob}/**` : [glob, `${glob}/**`], { dot: true }) };
    });
  return (path) => rules.reduce((ignored, rule) => (rule.matches(path) ? !rule.negated : ignored), false);
}
