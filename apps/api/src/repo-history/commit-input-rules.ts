import { HubException } from '../common/hub-exception';
import type { CommitOperation } from './commit-operation';
import { normalizeFolderPath, printable } from './repo-path-rules';

/** A commit's title (`summary`): the first line git and the Hugging Face clients show. */
export const MAX_COMMIT_SUMMARY = 1_000;
/** A commit's longer text (`description`). */
export const MAX_COMMIT_DESCRIPTION = 100_000;

/**
 * Rules of a commit's input that both the native and the Hugging Face routes go through
 * (CommitService.checkInput): the texts' lengths, and each path named by at most one operation.
 * An operation's target is its `path` (a copy's `fromPath` is only read, so "copy a to b, delete
 * a" stays a rename); two operations on one path would make the result depend on their order.
 */
export function assertCommitInput(input: { summary: string; description?: string; operations: CommitOperation[] }): void {
  if (input.summary.length > MAX_COMMIT_SUMMARY) {
    throw HubException.badRequest(
      'summary_too_long',
      `A commit summary has at most ${MAX_COMMIT_SUMMARY} characters; this one has ${input.summary.length}. Put the rest in the description`,
    );
  }
  const description = input.description ?? '';
  if (typeof description !== 'string' || description.length > MAX_COMMIT_DESCRIPTION) {
    throw HubException.badRequest('description_too_long', `A commit description is a text of at most ${MAX_COMMIT_DESCRIPTION} characters`);
  }
  const seen = new Set<string>();
  for (const op of input.operations) {
    const path = op.kind === 'deleteFolder' ? `${normalizeFolderPath(op.path)}/` : op.path;
    if (seen.has(path)) {
      throw HubException.badRequest('duplicate_path', `'${printable(op.path)}' is named by more than one operation of this commit: name each path once`, [
        { field: 'path', message: 'named twice' },
      ]);
    }
    seen.add(path);
  }
}
