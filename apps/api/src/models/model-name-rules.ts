import { HubException } from '../common/hub-exception';

/**
 * Rules for a model's name (the part after `namespace/`), close to Hugging Face's so that every
 * name valid here is valid for its clients (`huggingface_hub.utils.validate_repo_id`):
 * - 1 to 96 characters: ASCII letters, digits, '-', '_' and '.';
 * - starts with a letter or digit, and does not end with '-' or '.';
 * - no '--' and no '..' anywhere (they are reserved by the Hub's URL scheme for repo ids);
 * - does not end in '.git' (the git-lfs routes use `{name}.git`).
 * Names are unique within their namespace regardless of case: 'BERT' and 'bert' cannot both exist.
 */
export const MODEL_NAME_MAX_LENGTH = 96;
const MODEL_NAME_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?$/;
export const MODEL_NAME_RULES =
  `1-${MODEL_NAME_MAX_LENGTH} characters: letters, digits, "-", "_" or ".", starting with a letter or digit, ` +
  `not ending with "-" or ".", without "--" or "..", and not ending in ".git"`;

export const modelNameKey = (name: string) => name.toLowerCase();

/** What is wrong with `name`, or null when it is a valid model name. */
export function modelNameProblem(name: string): string | null {
  if (name.length === 0) return 'must not be empty';
  if (name.length > MODEL_NAME_MAX_LENGTH) return `must be at most ${MODEL_NAME_MAX_LENGTH} characters (got ${name.length})`;
  if (/[^A-Za-z0-9._-]/.test(name)) return 'may contain only letters, digits, "-", "_" and "."';
  if (!/^[A-Za-z0-9]/.test(name)) return 'must start with a letter or digit';
  if (!MODEL_NAME_PATTERN.test(name)) return 'must not end with "-" or "."';
  if (name.includes('--') || name.includes('..')) return 'must not contain "--" or ".."';
  if (name.toLowerCase().endsWith('.git')) return 'must not end in ".git"';
  return null;
}

/** Throws a 400 naming the rule `name` breaks. */
export function assertValidModelName(name: string, field = 'name'): void {
  const problem = modelNameProblem(name);
  if (problem) {
    throw HubException.badRequest('invalid_model_name', `Invalid model name '${name}': the ${field} ${problem} (${MODEL_NAME_RULES})`, [
      { field, message: problem },
    ]);
  }
}
