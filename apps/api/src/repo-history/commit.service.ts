import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { mapLimit } from '../common/map-limit';
import type { Principal } from '../common/auth/principal';
import { HubException } from '../common/hub-exception';
import { HUB_CONFIG, ResolvedHubConfig } from '../config/hub-config';
import { BlobService } from '../blobs/blob.service';
import { generateCommitId } from '../models/commit-id';
import { ModelAccessService } from '../models/model-access.service';
import type { ModelRecord } from '../models/model.repository';
import { ModelsService } from '../models/models.service';
import { CommitHooksPort, touchesLineage } from './commit-hooks.port';
import type { CommitOperation } from './commit-operation';
import { CommitRepository, FileWrite, ManifestFile } from './commit.repository';
import { assertCommitInput } from './commit-input-rules';
import { assertValidRepoPath, normalizeFolderPath, printable } from './repo-path-rules';
import { DEFAULT_BRANCH, RevisionService, revisionNotFound } from './revision.service';
import { entryNotFound } from './tree.service';

export interface CommitInput {
  branch: string;
  /** Expected head of the branch: a full commit id or a prefix of at least 7 hex characters. */
  parentCommit?: string;
  summary: string;
  description?: string;
  operations: CommitOperation[];
}

/**
 * How a commit is authorized and recorded when it is not a member's commit to a branch: the
 * proposals module commits to `refs/pr/N` (its author and members, decided by
 * ProposalAccessService) and merges (author: the contributor, committer: the merger).
 */
export interface CommitOptions {
  /** Replaces the write check (membership): throws to refuse. */
  authorize: () => Promise<void>;
  /** The commit's author when it is not the principal (the principal is then its committer). */
  authorId?: string | null;
  /** A merge commit's second parent. */
  mergedParentId?: string;
}

export interface CommitResult {
  commitId: string;
  /** The commit the branch pointed at before. */
  parentId: string;
  branch: string;
}

const PARENT = /^[0-9a-f]{7,40}$/;
const README = 'README.md';
// Blob writes in flight at once: enough to hide round trips, few enough to leave pool connections.
const BLOB_CONCURRENCY = 8;

/**
 * Commits: many operations applied atomically to a branch.
 *
 * Outside the transaction, every operation is validated (paths, limits) and its bytes are
 * resolved to stored blobs (puts stored, LFS objects verified, copies with a revision looked up),
 * so the transaction itself only touches rows. Inside ONE transaction: the branch row is locked
 * (`SELECT ... FOR UPDATE`), the expected parent is compared with the head under the lock (409
 * `parent_mismatch`), the operations are applied in order to the head's manifest, the new full
 * manifest is written (unchanged files copied by one INSERT ... SELECT keeping their last commit,
 * changed files by one INSERT over unnest), and the branch moves. Commits that name no parent
 * apply to whatever head they find under the lock, so concurrent commits never lose files.
 *
 * Semantics worth knowing:
 * - deleting a file that does not exist (at the parent, after earlier operations of the same
 *   commit) is 404 `EntryNotFound`, as on Hugging Face; so is a `deleteFolder` that matches nothing;
 *   a file deletion naming a folder deletes the folder (huggingface_hub sends `deletedFile` for a
 *   folder path without its trailing '/');
 * - each path is the target of one operation at most (400 `duplicate_path`, commit-input-rules.ts);
 * - copies read the parent commit (or `fromRevision`), not earlier operations of the same commit;
 * - writing a file with the bytes it already has is not a change: its last commit stays;
 * - a file and a folder of the same name (`a` and `a/b`) cannot coexist: 400 `path_conflict`;
 * - when `README.md` changes on `main`, the model card is re-read (after the commit; a bad card
 *   is a warning on the model, never a failed commit).
 */
@Injectable()
export class CommitService {
  private readonly logger = new Logger(CommitService.name);

  constructor(
    private readonly commits: CommitRepository,
    private readonly revisions: RevisionService,
    private readonly blobs: BlobService,
    private readonly access: ModelAccessService,
    private readonly models: ModelsService,
    private readonly hooks: CommitHooksPort,
    @Inject(HUB_CONFIG) private readonly config: ResolvedHubConfig,
  ) {}

  async commit(principal: Principal, model: ModelRecord, input: CommitInput, options?: CommitOptions): Promise<CommitResult> {
    const branch = input.branch || DEFAULT_BRANCH;
    if (options) await options.authorize();
    else {
      await this.access.assertCanWrite(principal, model);
      // refs/pr/N moves only through the proposals module, which decides who may push there.
      if (branch.startsWith('refs/')) throw revisionNotFound(model, branch, ' (not a branch)');
    }
    const parent = this.checkInput(input);
    // Fails early, before any bytes are stored, for a branch that does not exist.
    await this.revisions.refHead(model, branch);
    const resolved = await this.resolveBlobs(principal, model, input.operations);
    // An organization's pickle policy, before the branch moves (422 naming the file and import).
    await this.hooks.beforeBranchMoves(model, input.operations);

    const result = await this.commits.write(async (w) => {
      const head = await w.lockBranch(model.id, branch);
      if (!head) throw revisionNotFound(model, branch);
      if (parent && !head.startsWith(parent)) {
        throw HubException.conflict(`A commit has happened since ${parent} on '${branch}' (its head is now ${head}): refresh and try again`, 'parent_mismatch');
      }
      const plan = await this.plan(
        model,
        head,
        input.operations,
        resolved,
        (paths) => w.filesAt(head, paths),
        (prefix) => w.pathsUnder(head, prefix),
      );
      if (plan.copied.length) await this.hooks.beforeCopiesLand(model, plan.copied);
      const at = new Date();
      const commitId = generateCommitId({ modelId: model.id, parentId: head, title: input.summary, at });
      await w.insertCommit({
        id: commitId,
        modelId: model.id,
        parentId: head,
        authorId: options?.authorId !== undefined ? options.authorId : principal.userId,
        committerId: options?.authorId !== undefined && options.authorId !== principal.userId ? principal.userId : null,
        mergedParentId: options?.mergedParentId ?? null,
        title: input.summary,
        message: input.description ?? '',
        createdAt: at,
      });
      await w.copyUnchanged(head, commitId, plan.touched);
      await w.insertFiles(commitId, plan.writes);
      const clash = plan.writes.length ? await w.findFileFolderClash(commitId) : null;
      if (clash) {
        throw HubException.badRequest(
          'path_conflict',
          `'${printable(clash.inside)}' cannot be inside '${printable(clash.file)}': '${printable(clash.file)}' is a file. Delete one of them in the same commit`,
        );
      }
      await w.moveBranch(model.id, branch, commitId, at);
      await w.touchModel(model.id, at);
      return { commitId, parentId: head, branch, readme: plan.readme, touched: plan.touched };
    });

    if (branch === DEFAULT_BRANCH) {
      if (result.readme !== undefined) await this.applyCard(model, result.readme);
      if (touchesLineage(model.kind, result.touched)) await this.hooks.mainChanged(model, (path, max) => this.readAt(result.commitId, path, max));
    }
    await this.hooks.afterCommit(model, result.commitId);
    return { commitId: result.commitId, parentId: result.parentId, branch: result.branch };
  }

  /** Validates everything that needs no database; returns the normalised expected parent. */
  private checkInput(input: CommitInput): string | undefined {
    if (typeof input.summary !== 'string' || !input.summary.trim()) {
      throw HubException.badRequest('invalid_summary', 'A commit needs a summary (its title): send a non-empty summary');
    }
    const max = this.config.maxCommitOperations;
    if (input.operations.length > max) {
      throw HubException.badRequest(
        'too_many_operations',
        `A commit may have at most ${max} operations; this one has ${input.operations.length}. Split it into several commits`,
      );
    }
    assertCommitInput(input);
    const maxPath = this.config.maxPathLength;
    for (const op of input.operations) {
      assertValidRepoPath(op.kind === 'deleteFolder' ? normalizeFolderPath(op.path) : op.path, maxPath);
      if (op.kind === 'copy') assertValidRepoPath(op.fromPath, maxPath);
    }
    if (input.parentCommit === undefined || input.parentCommit === null || input.parentCommit === '') return undefined;
    const parent = String(input.parentCommit).toLowerCase();
    if (!PARENT.test(parent)) {
      throw HubException.badRequest(
        'invalid_parent_commit',
        `parentCommit '${printable(String(input.parentCommit))}' must be a commit id or a prefix of at least 7 hexadecimal characters`,
      );
    }
    return parent;
  }

  /** Stores put contents, verifies LFS objects and looks up copies from other revisions. */
  private async resolveBlobs(principal: Principal, model: ModelRecord, ops: CommitOperation[]): Promise<ResolvedBlobs> {
    const puts = new Map<string, Buffer>();
    const lfs = new Map<string, bigint | undefined>();
    const copiesByRevision = new Map<string, Set<string>>();
    for (const op of ops) {
      if (op.kind === 'put') puts.set(sha256(op.content), op.content);
      if (op.kind === 'lfs') {
        const sha = op.sha256.toLowerCase();
        const size = lfs.get(sha) ?? op.size;
        if (op.size !== undefined && size !== undefined && size !== op.size) {
          throw HubException.badRequest('blob_mismatch', `The LFS object ${sha} is named twice with different sizes (${size} and ${op.size})`);
        }
        lfs.set(sha, size);
      }
      if (op.kind === 'copy' && op.fromRevision !== undefined) {
        const set = copiesByRevision.get(op.fromRevision) ?? new Set<string>();
        copiesByRevision.set(op.fromRevision, set.add(op.fromPath));
      }
    }
    const stored = new Map<string, { size: bigint }>();
    await this.storePuts([...puts.entries()], stored);
    await mapLimit([...lfs.entries()], BLOB_CONCURRENCY, async ([sha, size]) => {
      const ref = await this.blobs.requireStored(sha, size, { modelId: model.id, userId: principal.userId });
      stored.set(sha, { size: ref.size });
    });
    const copySources = new Map<string, ManifestFile>();
    for (const [revision, paths] of copiesByRevision) {
      const { commitId } = await this.revisions.resolve(model, revision);
      const files = await this.commits.filesAtOrUnder(commitId, [...paths], []);
      for (const path of paths) {
        const file = files.find((f) => f.path === path);
        if (!file) throw entryNotFound(model, commitId, path);
        copySources.set(copyKey(revision, path), file);
      }
    }
    return { stored, copySources };
  }

  /**
   * Stores the contents of put operations in one batch: one `storeBytes` per content would cost a
   * few queries each, most of a 10,000-file commit's time.
   */
  private async storePuts(puts: [string, Buffer][], stored: Map<string, { size: bigint }>): Promise<void> {
    if (!puts.length) return;
    const refs = await this.blobs.storeBytesMany(puts.map(([, content]) => content));
    refs.forEach((ref) => stored.set(ref.sha256, { size: ref.size }));
  }

  /** Applies the operations, in order, to the head's manifest: what to write and which paths changed. */
  private async plan(
    model: ModelRecord,
    head: string,
    ops: CommitOperation[],
    resolved: ResolvedBlobs,
    filesAtHead: (paths: string[]) => Promise<ManifestFile[]>,
    pathsUnderHead: (prefix: string) => Promise<string[]>,
  ): Promise<{ writes: FileWrite[]; touched: string[]; copied: FileWrite[]; readme?: Buffer | null | { sha256: string } }> {
    const lookup = new Set<string>();
    for (const op of ops) {
      if (op.kind !== 'deleteFolder') lookup.add(op.path);
      if (op.kind === 'copy' && op.fromRevision === undefined) lookup.add(op.fromPath);
    }
    const headFiles = new Map((await filesAtHead([...lookup])).map((f) => [f.path, f]));
    // Path → the file after the operations so far (null: deleted). Absent: as at the head.
    const state = new Map<string, FileWrite | null>();
    const putContent = new Map<string, Buffer>();
    // Paths whose content comes from a copy (the pickle policy checks those once they are known).
    const copiedPaths = new Set<string>();
    // Paths known to exist at the head: those looked up, and those found under deleted folders.
    const atHead = new Set(headFiles.keys());
    const exists = (path: string) => (state.has(path) ? state.get(path) !== null : atHead.has(path));
    /** Deletes what is under `folder`; false when nothing is. */
    const deleteUnder = async (folder: string): Promise<boolean> => {
      const prefix = `${folder}/`;
      const underHead = await pathsUnderHead(prefix);
      underHead.forEach((p) => atHead.add(p));
      const inside = new Set([...underHead, ...[...state.keys()].filter((p) => p.startsWith(prefix))]);
      const live = [...inside].filter(exists);
      for (const path of live) state.set(path, null);
      return live.length > 0;
    };

    for (const op of ops) {
      switch (op.kind) {
        case 'put': {
          const sha = sha256(op.content);
          state.set(op.path, { path: op.path, blobSha256: sha, size: resolved.stored.get(sha)!.size, lfs: false });
          putContent.set(op.path, op.content);
          copiedPaths.delete(op.path);
          break;
        }
        case 'lfs': {
          const sha = op.sha256.toLowerCase();
          state.set(op.path, { path: op.path, blobSha256: sha, size: resolved.stored.get(sha)!.size, lfs: true });
          putContent.delete(op.path);
          copiedPaths.delete(op.path);
          break;
        }
        case 'copy': {
          const source = op.fromRevision === undefined ? headFiles.get(op.fromPath) : resolved.copySources.get(copyKey(op.fromRevision, op.fromPath));
          if (!source) throw entryNotFound(model, head, op.fromPath);
          if (op.sha256 && op.sha256.toLowerCase() !== source.blobSha256) {
            throw HubException.badRequest(
              'copy_source_mismatch',
              `Cannot copy '${printable(op.fromPath)}' to '${printable(op.path)}': its sha256 is ${source.blobSha256}, not ${op.sha256}`,
            );
          }
          state.set(op.path, { path: op.path, blobSha256: source.blobSha256, size: source.size, lfs: source.lfs });
          putContent.delete(op.path);
          copiedPaths.add(op.path);
          break;
        }
        case 'delete':
          // As on Hugging Face, deleting a path that is a folder deletes the folder.
          if (exists(op.path)) state.set(op.path, null);
          else if (!(await deleteUnder(op.path))) throw entryNotFound(model, head, op.path);
          break;
        case 'deleteFolder':
          if (!(await deleteUnder(normalizeFolderPath(op.path)))) throw entryNotFound(model, head, normalizeFolderPath(op.path));
          break;
      }
    }

    const writes: FileWrite[] = [];
    const touched: string[] = [];
    for (const [path, next] of state) {
      if (next === null) {
        // Deleting what the head never had (added, then deleted in this commit) changes nothing.
        if (atHead.has(path)) touched.push(path);
        continue;
      }
      const before = headFiles.get(path);
      if (before && before.blobSha256 === next.blobSha256 && before.lfs === next.lfs) continue;
      touched.push(path);
      writes.push(next);
    }

    let readme: Buffer | null | { sha256: string } | undefined;
    if (touched.includes(README)) {
      const next = state.get(README);
      readme = next === null || next === undefined ? null : (putContent.get(README) ?? { sha256: next.blobSha256 });
    }
    return { writes, touched, copied: writes.filter((w) => copiedPaths.has(w.path)), readme };
  }

  /** The first `maxBytes` of a file at a commit (null: no such file). */
  private async readAt(commitId: string, path: string, maxBytes: number): Promise<Buffer | null> {
    const file = await this.commits.findFile(commitId, path);
    return file ? this.blobs.readPrefix(file.blobSha256, maxBytes) : null;
  }

  private async applyCard(model: ModelRecord, readme: Buffer | null | { sha256: string }): Promise<void> {
    try {
      let text: string | null;
      if (readme === null) text = null;
      else if (Buffer.isBuffer(readme)) text = readme.toString('utf8');
      else {
        // Committed through LFS, or copied: its bytes are in the bucket (or inline).
        const bytes = await this.blobs.readPrefix(readme.sha256, MAX_CARD_BYTES);
        if (!bytes) {
          this.logger.warn({ model: model.fullName }, 'README.md names a blob that is not stored; the model card was not re-read');
          return;
        }
        text = bytes.toString('utf8');
      }
      await this.models.applyCard(model.id, text, model.kind);
      await this.hooks.indexCard(model.id, text);
    } catch (err) {
      // The commit is done; a card that cannot be applied must not turn it into an error.
      this.logger.error({ err, model: model.fullName }, 'Could not apply the model card');
    }
  }
}

/**
 * The part of a README.md read as the model card: the front-matter is at the top, and search keeps
 * the first 20,000 characters of the text; a larger README is read this far (a cut character
 * becomes U+FFFD).
 */
const MAX_CARD_BYTES = 1024 * 1024;

interface ResolvedBlobs {
  /** sha256 → stored size, for every put and LFS object. */
  stored: Map<string, { size: bigint }>;
  /** Sources of copies with a `fromRevision`. */
  copySources: Map<string, ManifestFile>;
}

const copyKey = (revision: string, path: string) => `${revision}\0${path}`;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
