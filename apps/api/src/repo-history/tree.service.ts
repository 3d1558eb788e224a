import { Injectable } from '@nestjs/common';
import { ImmutableCache } from '../cache/immutable-cache';
import { HubException } from '../common/hub-exception';
import { FileScanService, type FileSecurity } from '../discovery/scanners/file-scan.service';
import type { ModelRecord } from '../models/model.repository';
import { CommitRepository, ManifestFile, StoredFile } from './commit.repository';
import { directoryOid, fileOid, lfsPointer } from './git-oid';
import { normalizeFolderPath, printable } from './repo-path-rules';

/** One entry of a tree listing, in the shape Hugging Face's tree and paths-info answer with. */
export interface TreeEntry {
  type: 'file' | 'directory';
  path: string;
  /** Bytes for files; 0 for directories (as on Hugging Face). */
  size: number;
  /** See git-oid.ts: a git-style 40-hex id. */
  oid: string;
  /** For LFS files: the content sha256, its size and the size of the pointer file git would store. */
  lfs?: { oid: string; size: number; pointerSize: number };
  /** With `expand`: the last commit that changed the file (for a directory, anything inside it). */
  lastCommit?: { id: string; title: string; date: Date };
  /** Pickle-based files: discovery's scan (status and imported globals; `pending` until scanned). */
  security?: FileSecurity;
}

export interface TreeListOptions {
  /** Folder to list ('' or absent: the root). */
  path?: string;
  recursive?: boolean;
  expand?: boolean;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  limit?: number;
}

export interface TreePage {
  entries: TreeEntry[];
  /** Null on the last page. */
  nextCursor: string | null;
}

/** A file of a commit as downloads need it. */
export interface RepoFile {
  path: string;
  size: bigint;
  blobSha256: string;
  lfs: boolean;
  lastCommitId: string;
  oid: string;
  /** Where the blob's bytes are: inline in PostgreSQL or at `storageKey` in the bucket. */
  storageKey: string | null;
  inline: boolean;
}

export const DEFAULT_TREE_LIMIT = 1000;
export const MAX_TREE_LIMIT = 10_000;

export const entryNotFound = (model: ModelRecord, commitId: string, path: string, headers: Record<string, string> = {}) =>
  new HubException(404, 'entry_not_found', `Entry Not Found: '${printable(path)}' does not exist in ${model.fullName} at commit ${commitId}`, {
    hfErrorCode: 'EntryNotFound',
    headers,
  });

interface DirAggregate {
  path: string;
  files: { relativePath: string; blobSha256: string; lastCommitId: string }[];
}

/**
 * File trees at a commit. Directories are not stored: they are derived from the file paths, as
 * in git. Listings are built from the manifest rows under the folder, sorted by path.
 */
@Injectable()
export class TreeService {
  /** `commitId/path` → the manifest row and its blob (or null: no such file). A commit's manifest never changes. */
  private readonly files = new ImmutableCache<StoredFile | null>(50_000);

  constructor(
    private readonly commits: CommitRepository,
    private readonly scans: FileScanService,
  ) {}

  async list(model: ModelRecord, commitId: string, options: TreeListOptions = {}): Promise<TreePage> {
    const folder = normalizeFolderPath(options.path ?? '');
    const prefix = folder ? `${folder}/` : '';
    const files = await this.commits.filesUnder(commitId, prefix);
    if (folder && !files.length) {
      const file = await this.commits.findFile(commitId, folder);
      throw file
        ? HubException.badRequest('not_a_folder', `'${printable(folder)}' is a file, not a folder: list its parent folder or download it`)
        : entryNotFound(model, commitId, folder);
    }
    const { fileEntries, dirs } = this.group(files, prefix, Boolean(options.recursive));
    // Code-point order (PostgreSQL's "C" collation), so pages do not depend on the locale.
    const all: { path: string; key: Buffer; file?: ManifestFile; dir?: DirAggregate }[] = [
      ...fileEntries.map((f) => ({ path: f.path, key: Buffer.from(f.path), file: f })),
      ...[...dirs.values()].map((d) => ({ path: d.path, key: Buffer.from(d.path), dir: d })),
    ].sort((a, b) => Buffer.compare(a.key, b.key));

    const after = options.cursor ? Buffer.from(decodeCursor(options.cursor)) : null;
    const limit = Math.min(Math.max(options.limit ?? DEFAULT_TREE_LIMIT, 1), MAX_TREE_LIMIT);
    const start = after === null ? 0 : all.findIndex((e) => Buffer.compare(e.key, after) > 0);
    const page = start < 0 ? [] : all.slice(start, start + limit);
    const hasMore = start >= 0 && start + limit < all.length;
    const entries = await this.present(page, Boolean(options.expand));
    return { entries, nextCursor: hasMore ? encodeCursor(page[page.length - 1].path) : null };
  }

  /** Entries for the given paths (files or folders) that exist at the commit; missing ones are left out. */
  async pathsInfo(model: ModelRecord, commitId: string, paths: string[], expand = false): Promise<TreeEntry[]> {
    const wanted = [...new Set(paths.map((p) => normalizeFolderPath(p)).filter((p) => p !== ''))];
    if (!wanted.length) return [];
    const files = await this.commits.filesAtOrUnder(
      commitId,
      wanted,
      wanted.map((p) => `${p}/`),
    );
    const found: { path: string; file?: ManifestFile; dir?: DirAggregate }[] = [];
    for (const path of wanted) {
      const file = files.find((f) => f.path === path);
      if (file) {
        found.push({ path, file });
        continue;
      }
      const inside = files.filter((f) => f.path.startsWith(`${path}/`));
      if (inside.length) {
        found.push({
          path,
          dir: { path, files: inside.map((f) => ({ relativePath: f.path.slice(path.length + 1), blobSha256: f.blobSha256, lastCommitId: f.lastCommitId })) },
        });
      }
    }
    return this.present(found, expand);
  }

  /** One file at the commit; 404 `EntryNotFound` (with `notFoundHeaders`) when absent. */
  async getFile(model: ModelRecord, commitId: string, path: string, notFoundHeaders: Record<string, string> = {}): Promise<RepoFile> {
    const file = await this.files.get(
      `${commitId}/${path}`,
      () => this.commits.findFile(commitId, path),
      // Final unless the blob's git oid is still to be backfilled (git-oid.ts).
      (f) => !f || f.lfs || f.gitOid !== null,
    );
    if (!file) throw entryNotFound(model, commitId, path, notFoundHeaders);
    return { ...file, oid: fileOid(file) };
  }

  /** Every file path at the commit, in order (model info's `siblings`). */
  async allPaths(commitId: string): Promise<string[]> {
    return (await this.commits.filesUnder(commitId, '')).map((f) => f.path);
  }

  /** Every file at the commit with size, oid and LFS details, in order (model info with `blobs`). */
  async allFiles(commitId: string): Promise<TreeEntry[]> {
    return (await this.commits.filesUnder(commitId, '')).map(fileEntry);
  }

  private group(files: ManifestFile[], prefix: string, recursive: boolean): { fileEntries: ManifestFile[]; dirs: Map<string, DirAggregate> } {
    const fileEntries: ManifestFile[] = [];
    const dirs = new Map<string, DirAggregate>();
    const addToDir = (dirPath: string, f: ManifestFile) => {
      let dir = dirs.get(dirPath);
      if (!dir) dirs.set(dirPath, (dir = { path: dirPath, files: [] }));
      dir.files.push({ relativePath: f.path.slice(dirPath.length + 1), blobSha256: f.blobSha256, lastCommitId: f.lastCommitId });
    };
    for (const f of files) {
      const segments = f.path.slice(prefix.length).split('/');
      if (recursive) {
        fileEntries.push(f);
        for (let depth = 1; depth < segments.length; depth++) addToDir(prefix + segments.slice(0, depth).join('/'), f);
      } else if (segments.length === 1) {
        fileEntries.push(f);
      } else {
        addToDir(prefix + segments[0], f);
      }
    }
    return { fileEntries, dirs };
  }

  private async present(items: { path: string; file?: ManifestFile; dir?: DirAggregate }[], expand: boolean): Promise<TreeEntry[]> {
    const commitIds = new Set<string>();
    if (expand) {
      for (const item of items) {
        if (item.file) commitIds.add(item.file.lastCommitId);
        for (const f of item.dir?.files ?? []) commitIds.add(f.lastCommitId);
      }
    }
    const summaries = new Map((await this.commits.commitSummaries([...commitIds])).map((c) => [c.id, c]));
    const security = await this.scans.securityOf(items.flatMap((i) => (i.file ? [i.file] : [])));
    const lastCommit = (ids: string[]) => {
      let newest: { id: string; title: string; createdAt: Date } | undefined;
      for (const id of ids) {
        const c = summaries.get(id);
        if (c && (!newest || c.createdAt > newest.createdAt)) newest = c;
      }
      return newest ? { lastCommit: { id: newest.id, title: newest.title, date: newest.createdAt } } : {};
    };
    return items.map((item): TreeEntry => {
      if (item.file) {
        const f = item.file;
        return {
          ...fileEntry(f),
          ...(expand ? lastCommit([f.lastCommitId]) : {}),
          ...(security.has(f.blobSha256) ? { security: security.get(f.blobSha256) } : {}),
        };
      }
      const dir = item.dir!;
      return {
        type: 'directory',
        path: dir.path,
        size: 0,
        oid: directoryOid(dir.files),
        ...(expand ? lastCommit(dir.files.map((f) => f.lastCommitId)) : {}),
      };
    });
  }
}

const fileEntry = (f: ManifestFile): TreeEntry => ({
  type: 'file',
  path: f.path,
  size: Number(f.size),
  oid: fileOid(f),
  ...(f.lfs ? { lfs: { oid: f.blobSha256, size: Number(f.size), pointerSize: Buffer.byteLength(lfsPointer(f.blobSha256, f.size)) } } : {}),
});

const encodeCursor = (path: string) => Buffer.from(path, 'utf8').toString('base64url');

function decodeCursor(cursor: string): string {
  const path = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!path || Buffer.from(path, 'utf8').toString('base64url') !== cursor) {
    throw HubException.badRequest('invalid_cursor', 'cursor is not one this hub returned: pass the nextCursor of the previous page unchanged');
  }
  return path;
}
