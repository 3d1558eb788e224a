import { createHash, randomBytes } from 'node:crypto';

/**
 * A new 40-hex commit id: sha1 over the model, the parent, the title, the time and 16 random
 * bytes. Commits are not git objects here, so the id only has to be unique and look like git's
 * (the Hugging Face clients check for 40 hex characters).
 */
export function generateCommitId(input: { modelId: string; parentId: string | null; title: string; at: Date }): string {
  return createHash('sha1')
    .update([input.modelId, input.parentId ?? '', input.title, input.at.toISOString(), randomBytes(16).toString('hex')].join('\0'))
    .digest('hex');
}
