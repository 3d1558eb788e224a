import type { ModelRecord } from '../models/model.repository';
import type { CommitOperation } from './commit-operation';

/**
 * What a commit asks of the modules built on top of repo-history (discovery implements it: the
 * pickle policy, scans, the card's search text). repo-history owns this port so that the
 * dependency points one way (discovery → repo-history), as DownloadGrantPort does for licensing.
 */
export abstract class CommitHooksPort {
  /** Before the branch moves, with the written files' bytes stored; throws to refuse the commit. */
  abstract beforeBranchMoves(model: ModelRecord, operations: CommitOperation[]): Promise<void>;

  /** Once the branch is locked and copies' sources are known; throws to refuse the commit. */
  abstract beforeCopiesLand(model: ModelRecord, copies: { path: string; blobSha256: string }[]): Promise<void>;

  /** After the commit landed; must not throw (a failure here never fails the commit). */
  abstract afterCommit(model: ModelRecord, commitId: string): Promise<void>;

  /** The README's text (null: none) as the model card's search text. */
  abstract indexCard(modelId: string, readme: string | null): Promise<void>;

  /**
   * After a commit to `main` that changed the card or files the lineage reads (LINEAGE_PATHS; any
   * file of a dataset), before the commit answers: `readFile` reads a file at the new head
   * (null: absent). Must not throw.
   */
  abstract mainChanged(model: ModelRecord, readFile: (path: string, maxBytes: number) => Promise<Buffer | null>): Promise<void>;
}

/** Files at `main` whose change rewrites a model's lineage (the card, and what infers the relation). */
export function touchesLineage(kind: 'model' | 'dataset', touched: readonly string[]): boolean {
  if (kind === 'dataset') return touched.length > 0;
  return touched.some((p) => p === 'README.md' || p === 'config.json' || p === 'adapter_config.json' || p.toLowerCase().endsWith('.gguf'));
}
