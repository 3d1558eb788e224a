import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client';
import { CacheInvalidation } from '../cache/cache-invalidation.service';
import { PrismaService } from '../database/prisma.service';

/** One file of a commit's manifest. */
export interface ManifestFile {
  path: string;
  blobSha256: string;
  size: bigint;
  lfs: boolean;
  /** The commit that last changed the file. */
  lastCommitId: string;
  /** Its blob's git id (null until the backfill reached bytes stored before git ids were). */
  gitOid: string | null;
}

/** A manifest file with where its bytes are (from its blob). */
export interface StoredFile extends ManifestFile {
  storageKey: string | null;
  inline: boolean;
}

export interface CommitRecord {
  id: string;
  parentId: string | null;
  title: string;
  message: string;
  createdAt: Date;
  authorId: string | null;
  authorName: string | null;
}

export interface CommitSummary {
  id: string;
  title: string;
  createdAt: Date;
}

/** A file's blob on one side of a change. */
export interface FileSide {
  blobSha256: string;
  size: bigint;
  lfs: boolean;
}

/** One path that differs between two commits: before null when added, after null when deleted. */
export interface FileChange {
  path: string;
  before: FileSide | null;
  after: FileSide | null;
}

type ChangeRow = {
  path: string;
  old_sha: string | null;
  old_size: bigint | null;
  old_lfs: boolean | null;
  new_sha: string | null;
  new_size: bigint | null;
  new_lfs: boolean | null;
};

/** A file a commit writes (new or changed). */
export interface FileWrite {
  path: string;
  blobSha256: string;
  size: bigint;
  lfs: boolean;
}

type FileRow = { path: string; blob_sha256: string; size: bigint; lfs: boolean; last_commit_id: string; git_oid: string | null };
const toFile = (r: FileRow): ManifestFile => ({
  path: r.path,
  blobSha256: r.blob_sha256,
  size: BigInt(r.size),
  lfs: r.lfs,
  lastCommitId: r.last_commit_id,
  gitOid: r.git_oid,
});

type CommitRow = { id: string; parent_id: string | null; title: string; message: string; created_at: Date; author_id: string | null; username: string | null };
const toCommit = (r: CommitRow): CommitRecord => ({
  id: r.id,
  parentId: r.parent_id,
  title: r.title,
  message: r.message,
  createdAt: r.created_at,
  authorId: r.author_id,
  authorName: r.username,
});

/**
 * The steps of one commit, all inside the transaction that locked the branch. The service
 * decides; this writes.
 */
export class CommitWriter {
  constructor(
    private readonly tx: Prisma.TransactionClient,
    private readonly invalidation: CacheInvalidation,
    /** Models whose refs this transaction moved (CommitRepository.write drops them here again once it has committed). */
    readonly movedRefs: Set<string>,
  ) {}

  /** The branch head, with the branch row locked until the transaction ends; null when no such branch. */
  async lockBranch(modelId: string, branch: string): Promise<string | null> {
    const rows = await this.tx.$queryRaw<{ commit_id: string }[]>`
      SELECT commit_id FROM branches WHERE model_id = ${modelId}::uuid AND name = ${branch} FOR UPDATE`;
    return rows[0]?.commit_id ?? null;
  }

  /** The files of `commitId` at exactly these paths. */
  async filesAt(commitId: string, paths: string[]): Promise<ManifestFile[]> {
    if (!paths.length) return [];
    const rows = await this.tx.$queryRaw<FileRow[]>`
      SELECT path, blob_sha256, size, lfs, last_commit_id, (SELECT b.git_oid FROM blobs b WHERE b.sha256 = f.blob_sha256) AS git_oid FROM commit_files f
      WHERE commit_id = ${commitId} AND path = ANY(${paths}::text[])`;
    return rows.map(toFile);
  }

  /** Paths of `commitId` under the folder (`prefix` ends with '/'). */
  async pathsUnder(commitId: string, prefix: string): Promise<string[]> {
    const rows = await this.tx.$queryRaw<{ path: string }[]>`
      SELECT path FROM commit_files WHERE commit_id = ${commitId} AND starts_with(path, ${prefix})`;
    return rows.map((r) => r.path);
  }

  async insertCommit(c: {
    id: string;
    modelId: string;
    /** Null for a history's first commit (a super-squash starts a new one). */
    parentId: string | null;
    authorId: string | null;
    /** Set when someone other than the author applies the commit (a merged proposal). */
    committerId?: string | null;
    /** A merge commit's second parent. */
    mergedParentId?: string | null;
    title: string;
    message: string;
    createdAt: Date;
  }): Promise<void> {
    await this.tx.commit.create({ data: c });
  }

  /** Copies the parent's manifest into the new commit, except `exceptPaths` (changed or deleted), keeping each file's last commit. */
  async copyUnchanged(parentId: string, newId: string, exceptPaths: string[]): Promise<number> {
    return this.tx.$executeRaw`
      INSERT INTO commit_files (commit_id, path, blob_sha256, size, lfs, last_commit_id)
      SELECT ${newId}, f.path, f.blob_sha256, f.size, f.lfs, f.last_commit_id
      FROM commit_files f
      WHERE f.commit_id = ${parentId}
        AND NOT EXISTS (SELECT 1 FROM unnest(${exceptPaths}::text[]) AS x(path) WHERE x.path = f.path)`;
  }

  /** Copies a commit's whole manifest into a new commit whose files all have it as their last commit (a squash). */
  async copyAllAsNew(fromId: string, newId: string): Promise<number> {
    return this.tx.$executeRaw`
      INSERT INTO commit_files (commit_id, path, blob_sha256, size, lfs, last_commit_id)
      SELECT ${newId}, f.path, f.blob_sha256, f.size, f.lfs, ${newId} FROM commit_files f WHERE f.commit_id = ${fromId}`;
  }

  /** Writes the new and changed files in one statement; their last commit is the new one. */
  async insertFiles(newId: string, files: FileWrite[]): Promise<void> {
    if (!files.length) return;
    await this.tx.$executeRaw`
      INSERT INTO commit_files (commit_id, path, blob_sha256, size, lfs, last_commit_id)
      SELECT ${newId}, f.path, f.sha, f.size, f.lfs, ${newId}
      FROM unnest(${files.map((f) => f.path)}::text[], ${files.map((f) => f.blobSha256)}::text[],
                  ${files.map((f) => f.size.toString())}::bigint[], ${files.map((f) => f.lfs)}::boolean[]) AS f(path, sha, size, lfs)`;
  }

  /**
   * A file of the commit that another file sits inside (`a` and `a/b`), which git cannot
   * represent. Sorting with '/' replaced by \x01 (below every allowed character) puts each file
   * right before the files inside it, so one neighbour comparison finds any such pair.
   */
  async findFileFolderClash(commitId: string): Promise<{ file: string; inside: string } | null> {
    const rows = await this.tx.$queryRaw<{ file: string; inside: string }[]>`
      SELECT file, inside FROM (
        SELECT path AS file, lead(path) OVER (ORDER BY replace(path, '/', chr(1)) COLLATE "C") AS inside
        FROM commit_files WHERE commit_id = ${commitId}
      ) s WHERE starts_with(inside, file || '/') LIMIT 1`;
    return rows[0] ?? null;
  }

  async moveBranch(modelId: string, branch: string, commitId: string, at: Date): Promise<void> {
    await this.tx.branch.update({ where: { modelId_name: { modelId, name: branch } }, data: { commitId, updatedAt: at } });
    await this.invalidation.publish(this.tx, 'refs', { modelId });
    this.movedRefs.add(modelId);
  }

  async touchModel(modelId: string, at: Date): Promise<void> {
    await this.tx.model.update({ where: { id: modelId }, data: { lastModified: at } });
  }
}

/** Commits, their manifests and branches. No rules here: CommitService and friends decide. */
@Injectable()
export class CommitRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly invalidation: CacheInvalidation,
  ) {}

  /** Runs `work` in one transaction (generous timeout: a commit may write tens of thousands of rows). */
  async write<T>(work: (writer: CommitWriter) => Promise<T>): Promise<T> {
    const movedRefs = new Set<string>();
    const result = await this.prisma.$transaction((tx) => work(new CommitWriter(tx, this.invalidation, movedRefs)), { maxWait: 10_000, timeout: 120_000 });
    for (const modelId of movedRefs) this.invalidation.dropLocal('refs', { modelId });
    return result;
  }

  /**
   * Every ref of the model in one query: branches (any name stored there, `refs/pr/N` included)
   * and versions. Whoever writes `branches` or `versions` publishes `refs` for the model.
   */
  async refsOf(modelId: string): Promise<{ branches: Map<string, string>; versions: Map<string, string> }> {
    const rows = await this.prisma.$queryRaw<{ kind: 'b' | 'v'; name: string; commit_id: string }[]>`
      SELECT 'b' AS kind, name, commit_id FROM branches WHERE model_id = ${modelId}::uuid
      UNION ALL
      SELECT 'v' AS kind, name, commit_id FROM versions WHERE model_id = ${modelId}::uuid`;
    const refs = { branches: new Map<string, string>(), versions: new Map<string, string>() };
    for (const r of rows) (r.kind === 'b' ? refs.branches : refs.versions).set(r.name, r.commit_id);
    return refs;
  }

  async branchHead(modelId: string, name: string): Promise<string | null> {
    const b = await this.prisma.branch.findUnique({ where: { modelId_name: { modelId, name } }, select: { commitId: true } });
    return b?.commitId ?? null;
  }

  listBranches(modelId: string): Promise<{ name: string; commitId: string }[]> {
    return this.prisma.branch.findMany({ where: { modelId, kind: 'branch' }, select: { name: true, commitId: true }, orderBy: { name: 'asc' } });
  }

  /** The `refs/pr/N` refs of the model's pull requests (ref rows of kind pull_request). */
  listPullRequestRefs(modelId: string): Promise<{ name: string; commitId: string }[]> {
    return this.prisma.branch.findMany({ where: { modelId, kind: 'pull_request' }, select: { name: true, commitId: true }, orderBy: { name: 'asc' } });
  }

  /** Creates a pull request's ref (`refs/pr/N`) beside the branches, so head lookups and their caching cover it; false when it exists. */
  async createPullRequestRef(modelId: string, name: string, commitId: string): Promise<boolean> {
    const rows = await this.prisma.$executeRaw`
      INSERT INTO branches (model_id, name, commit_id, kind, updated_at) VALUES (${modelId}::uuid, ${name}, ${commitId}, 'pull_request', now())
      ON CONFLICT DO NOTHING`;
    if (rows === 1) await this.invalidation.publish(this.prisma, 'refs', { modelId });
    return rows === 1;
  }

  async deletePullRequestRef(modelId: string, name: string): Promise<void> {
    const deleted = (await this.prisma.branch.deleteMany({ where: { modelId, name, kind: 'pull_request' } })).count;
    if (deleted) await this.invalidation.publish(this.prisma, 'refs', { modelId });
  }

  /** Moves a branch to a commit that already exists (a fast-forward) if it still points at `expected`; false otherwise. */
  async fastForward(modelId: string, name: string, expected: string, commitId: string): Promise<boolean> {
    const rows = await this.prisma.$executeRaw`
      UPDATE branches SET commit_id = ${commitId}, updated_at = now() WHERE model_id = ${modelId}::uuid AND name = ${name} AND commit_id = ${expected}`;
    if (rows === 1) await this.invalidation.publish(this.prisma, 'refs', { modelId });
    return rows === 1;
  }

  /**
   * The files that differ between two commits (one query over both manifests): each path with
   * its blob before (null: added) and after (null: deleted), in path order.
   */
  async changedFiles(fromId: string, toId: string): Promise<FileChange[]> {
    const rows = await this.prisma.$queryRaw<ChangeRow[]>`
      SELECT coalesce(a.path, b.path) AS path, a.blob_sha256 AS old_sha, a.size AS old_size, a.lfs AS old_lfs,
             b.blob_sha256 AS new_sha, b.size AS new_size, b.lfs AS new_lfs
      FROM (SELECT path, blob_sha256, size, lfs FROM commit_files WHERE commit_id = ${fromId}) a
      FULL OUTER JOIN (SELECT path, blob_sha256, size, lfs FROM commit_files WHERE commit_id = ${toId}) b ON a.path = b.path
      WHERE a.path IS NULL OR b.path IS NULL OR a.blob_sha256 <> b.blob_sha256 OR a.lfs <> b.lfs
      ORDER BY coalesce(a.path, b.path) COLLATE "C"`;
    return rows.map((r) => ({
      path: r.path,
      before: r.old_sha === null ? null : { blobSha256: r.old_sha, size: BigInt(r.old_size!), lfs: r.old_lfs! },
      after: r.new_sha === null ? null : { blobSha256: r.new_sha, size: BigInt(r.new_size!), lfs: r.new_lfs! },
    }));
  }

  /** Creates a branch; false when the name exists. */
  async createBranch(modelId: string, name: string, commitId: string): Promise<boolean> {
    const rows = await this.prisma.$executeRaw`
      INSERT INTO branches (model_id, name, commit_id, updated_at) VALUES (${modelId}::uuid, ${name}, ${commitId}, now())
      ON CONFLICT DO NOTHING`;
    if (rows === 1) await this.invalidation.publish(this.prisma, 'refs', { modelId });
    return rows === 1;
  }

  async deleteBranch(modelId: string, name: string): Promise<boolean> {
    const deleted = (await this.prisma.branch.deleteMany({ where: { modelId, name } })).count === 1;
    if (deleted) await this.invalidation.publish(this.prisma, 'refs', { modelId });
    return deleted;
  }

  async commitExists(modelId: string, id: string): Promise<boolean> {
    return (await this.prisma.commit.count({ where: { modelId, id } })) === 1;
  }

  /** Commit ids of the model starting with `prefix` (at most `take`, to detect ambiguity). */
  async commitIdsByPrefix(modelId: string, prefix: string, take: number): Promise<string[]> {
    const rows = await this.prisma.commit.findMany({ where: { modelId, id: { startsWith: prefix } }, select: { id: true }, take });
    return rows.map((r) => r.id);
  }

  async findFile(commitId: string, path: string): Promise<StoredFile | null> {
    const rows = await this.prisma.$queryRaw<(FileRow & { storage_key: string | null; inline: boolean })[]>`
      SELECT f.path, f.blob_sha256, f.size, f.lfs, f.last_commit_id, b.git_oid, b.storage_key, (b.inline_data IS NOT NULL) AS inline
      FROM commit_files f JOIN blobs b ON b.sha256 = f.blob_sha256
      WHERE f.commit_id = ${commitId} AND f.path = ${path}`;
    const r = rows[0];
    return r ? { ...toFile(r), storageKey: r.storage_key, inline: r.inline } : null;
  }

  /** Files of the commit under `prefix` ('' for all, else ending with '/'), in path order. */
  async filesUnder(commitId: string, prefix: string): Promise<ManifestFile[]> {
    const rows = await this.prisma.$queryRaw<FileRow[]>`
      SELECT path, blob_sha256, size, lfs, last_commit_id, (SELECT b.git_oid FROM blobs b WHERE b.sha256 = f.blob_sha256) AS git_oid FROM commit_files f
      WHERE commit_id = ${commitId} AND (${prefix} = '' OR starts_with(path, ${prefix}))
      ORDER BY path COLLATE "C"`;
    return rows.map(toFile);
  }

  /** Files at exactly `paths` or inside one of the folders `folderPrefixes` (each ending with '/'). */
  async filesAtOrUnder(commitId: string, paths: string[], folderPrefixes: string[]): Promise<ManifestFile[]> {
    const rows = await this.prisma.$queryRaw<FileRow[]>`
      SELECT path, blob_sha256, size, lfs, last_commit_id, (SELECT b.git_oid FROM blobs b WHERE b.sha256 = f.blob_sha256) AS git_oid FROM commit_files f
      WHERE commit_id = ${commitId}
        AND (path = ANY(${paths}::text[]) OR EXISTS (SELECT 1 FROM unnest(${folderPrefixes}::text[]) AS d(prefix) WHERE starts_with(f.path, d.prefix)))
      ORDER BY path COLLATE "C"`;
    return rows.map(toFile);
  }

  async commitSummaries(ids: string[]): Promise<CommitSummary[]> {
    if (!ids.length) return [];
    return this.prisma.commit.findMany({ where: { id: { in: ids } }, select: { id: true, title: true, createdAt: true } });
  }

  /**
   * Up to `take` commits following the parent links from `startId` (itself first): one query,
   * a recursive walk that stops after `take` steps.
   */
  async ancestry(modelId: string, startId: string, take: number): Promise<CommitRecord[]> {
    const rows = await this.prisma.$queryRaw<CommitRow[]>`
      WITH RECURSIVE chain AS (
        SELECT id, parent_id, 1 AS depth FROM commits WHERE model_id = ${modelId}::uuid AND id = ${startId}
        UNION ALL
        SELECT c.id, c.parent_id, chain.depth + 1 FROM chain
        JOIN commits c ON c.id = chain.parent_id AND c.model_id = ${modelId}::uuid
        WHERE chain.depth < ${take}
      )
      SELECT c.id, c.parent_id, c.title, c.message, c.created_at, c.author_id, u.username
      FROM chain JOIN commits c ON c.id = chain.id LEFT JOIN users u ON u.id = c.author_id
      ORDER BY chain.depth`;
    return rows.map(toCommit);
  }

  /** How many commits the history from `startId` has (itself included). */
  async ancestryLength(modelId: string, startId: string): Promise<number> {
    const rows = await this.prisma.$queryRaw<{ n: bigint }[]>`
      WITH RECURSIVE chain AS (
        SELECT id, parent_id FROM commits WHERE model_id = ${modelId}::uuid AND id = ${startId}
        UNION ALL
        SELECT c.id, c.parent_id FROM chain JOIN commits c ON c.id = chain.parent_id AND c.model_id = ${modelId}::uuid
      )
      SELECT count(*) AS n FROM chain`;
    return Number(rows[0]?.n ?? 0);
  }
}
