import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { HUB_CONFIG, ResolvedHubConfig } from '../config/hub-config';
import { HubLinks } from '../links/hub-links.service';
import { FileScanService } from '../discovery/scanners/file-scan.service';
import { ModelAccessService } from '../models/model-access.service';
import { ModelRecord } from '../models/model.repository';
import { ModelSearchService } from '../models/model-search.service';
import { BranchesService } from '../repo-history/branches.service';
import { HistoryService } from '../repo-history/history.service';
import { RevisionService } from '../repo-history/revision.service';
import { TreeEntry, TreeService } from '../repo-history/tree.service';
import { VersionsService } from '../repo-history/versions.service';
import { HfCommitsQuery, HfListModelsQuery, HfTreeQuery } from './dto/hf-query.dto';
import { presentHfRepo } from './hf-model.presenter';
import { ModelsService } from '../models/models.service';
import { securityFileStatus } from './hf-security-status';
import { nextLink } from './link-header';
import { KIND_SEGMENT, type RepoKind } from '../models/repo-kind';

/** An answer body plus the headers that go with it (pagination links). */
export interface WithHeaders<T> {
  body: T;
  headers: Record<string, string>;
}

const HF_SORTS: Record<string, 'downloads' | 'likes' | 'lastModified' | 'createdAt' | 'trendingScore'> = {
  downloads: 'downloads',
  likes: 'likes',
  lastModified: 'lastModified',
  last_modified: 'lastModified',
  createdAt: 'createdAt',
  created_at: 'createdAt',
  trendingScore: 'trendingScore',
};

/** Reading models in the Hugging Face protocol: listings, info, trees, history, refs. */
@Injectable()
export class HfModelsService {
  constructor(
    private readonly access: ModelAccessService,
    private readonly search: ModelSearchService,
    private readonly revisions: RevisionService,
    private readonly trees: TreeService,
    private readonly history: HistoryService,
    private readonly branches: BranchesService,
    private readonly versions: VersionsService,
    private readonly scans: FileScanService,
    @Inject(HUB_CONFIG) private readonly config: ResolvedHubConfig,
    private readonly links: HubLinks,
    private readonly models: ModelsService,
  ) {}

  async list(principal: Principal | undefined, kind: RepoKind, query: HfListModelsQuery) {
    const page = await this.search.search(principal, {
      kind,
      author: query.author,
      search: query.search,
      tags: query.filter,
      pipelineTag: query.pipeline_tag,
      sort: query.sort ? HF_SORTS[query.sort] : undefined,
      limit: query.limit,
      cursor: query.cursor,
    });
    const withSiblings = query.full || query.expand?.includes('siblings');
    const body = await Promise.all(
      page.items.map(async (m) => presentHfRepo(m, withSiblings && m.mainCommitId ? { siblings: await this.siblings(m.mainCommitId) } : {})),
    );
    return { body, headers: nextLink(this.links.origin(), `/api/${KIND_SEGMENT[kind]}`, { ...query }, page.nextCursor) };
  }

  /** `blobs` (model_info(files_metadata=True)): each sibling with size, blobId and lfs. */
  async info(principal: Principal | undefined, namespace: string, name: string, kind: RepoKind, revision?: string, blobs = false) {
    const model = await this.access.findReadable(principal, namespace, name, kind);
    const { commitId } = await this.revisions.resolve(model, revision);
    // Parameters and pickle scans describe the revision asked for; the model keeps those of main.
    const atRevision = commitId && commitId !== model.mainCommitId ? { ...model, ...(await this.scans.summaryAt(commitId)) } : model;
    const siblings = blobs ? await this.siblingsWithBlobs(commitId) : await this.siblings(commitId);
    return { ...presentHfRepo(atRevision, { sha: commitId, siblings }), ...(await this.models.lineageInfo(principal, model)) };
  }

  async tree(
    principal: Principal | undefined,
    namespace: string,
    name: string,
    kind: RepoKind,
    revision: string,
    path: string | undefined,
    query: HfTreeQuery,
  ) {
    const model = await this.access.findReadable(principal, namespace, name, kind);
    const { commitId } = await this.revisions.resolve(model, revision);
    const page = await this.trees.list(model, commitId, { path, recursive: query.recursive, expand: query.expand, cursor: query.cursor, limit: query.limit });
    const location = `/api/${KIND_SEGMENT[model.kind]}/${model.fullName}/tree/${encodeURIComponent(revision)}${path ? `/${path}` : ''}`;
    return { body: page.entries.map(presentEntry(Boolean(query.expand))), headers: nextLink(this.links.origin(), location, { ...query }, page.nextCursor) };
  }

  async pathsInfo(principal: Principal | undefined, namespace: string, name: string, kind: RepoKind, revision: string, paths: string[], expand = false) {
    const model = await this.access.findReadable(principal, namespace, name, kind);
    const { commitId } = await this.revisions.resolve(model, revision);
    return (await this.trees.pathsInfo(model, commitId, paths, expand)).map(presentEntry(expand));
  }

  async commits(principal: Principal | undefined, namespace: string, name: string, kind: RepoKind, revision: string, query: HfCommitsQuery) {
    const model = await this.access.findReadable(principal, namespace, name, kind);
    const page = await this.history.list(model, revision, { limit: query.limit, cursor: query.cursor });
    const body = page.commits.map((c) => ({
      id: c.id,
      title: c.title,
      message: c.message,
      authors: c.authors,
      date: c.date.toISOString(),
      parents: c.parents,
    }));
    const location = `/api/${KIND_SEGMENT[model.kind]}/${model.fullName}/commits/${encodeURIComponent(revision)}`;
    return { body, headers: nextLink(this.links.origin(), location, { limit: query.limit }, page.nextCursor) };
  }

  /** `include_prs=1` (list_repo_refs(include_pull_requests=True)) adds the pull requests' refs. */
  async refs(principal: Principal | undefined, namespace: string, name: string, kind: RepoKind, includePullRequests = false) {
    const model = await this.access.findReadable(principal, namespace, name, kind);
    const refs = await this.branches.listRefs(model, includePullRequests);
    return { branches: refs.branches, tags: refs.tags, converts: [], ...(includePullRequests ? { pullRequests: refs.pullRequests ?? [] } : {}) };
  }

  async createTag(principal: Principal, namespace: string, name: string, kind: RepoKind, revision: string, tag: string, message?: string) {
    const model = await this.access.findReadable(principal, namespace, name, kind);
    // huggingface_hub expects RevisionNotFound for a missing revision whatever the tag name.
    await this.revisions.resolve(model, revision);
    const version = await this.versions.create(principal, model, { name: tag, revision, notes: message });
    return { name: version.name, ref: `refs/tags/${version.name}`, targetCommit: version.commitId };
  }

  async deleteTag(principal: Principal, namespace: string, name: string, kind: RepoKind, tag: string): Promise<never> {
    const model = await this.access.findReadable(principal, namespace, name, kind);
    return this.versions.delete(principal, model, tag);
  }

  async createBranch(principal: Principal, namespace: string, name: string, kind: RepoKind, branch: string, startingPoint?: string) {
    const model = await this.access.findReadable(principal, namespace, name, kind);
    return this.branches.create(principal, model, branch, startingPoint);
  }

  async deleteBranch(principal: Principal, namespace: string, name: string, kind: RepoKind, branch: string): Promise<void> {
    const model = await this.access.findReadable(principal, namespace, name, kind);
    await this.branches.delete(principal, model, branch);
  }

  private async siblings(commitId: string) {
    return (await this.trees.allPaths(commitId)).map((rfilename) => ({ rfilename }));
  }

  /** RepoSibling (hf_api.py) reads `size`, `blobId` and `lfs.{sha256, size, pointerSize}`. */
  private async siblingsWithBlobs(commitId: string) {
    return (await this.trees.allFiles(commitId)).map((f) => ({
      rfilename: f.path,
      size: f.size,
      blobId: f.oid,
      ...(f.lfs ? { lfs: { sha256: f.lfs.oid, size: f.lfs.size, pointerSize: f.lfs.pointerSize } } : {}),
    }));
  }

  /** For the resolve route and the commit route: the readable model. */
  findReadable(principal: Principal | undefined, namespace: string, name: string, kind: RepoKind): Promise<ModelRecord> {
    return this.access.findReadable(principal, namespace, name, kind);
  }
}

/** A tree or paths-info entry; files carry `securityFileStatus` with `expand` (as on Hugging Face) and pickle files always. */
const presentEntry = (expand: boolean) => (e: TreeEntry) => ({
  type: e.type,
  oid: e.oid,
  size: e.size,
  path: e.path,
  ...(e.lfs ? { lfs: e.lfs } : {}),
  ...(e.lastCommit ? { lastCommit: { id: e.lastCommit.id, title: e.lastCommit.title, date: e.lastCommit.date.toISOString() } } : {}),
  ...(e.type === 'file' && (expand || e.security) ? { securityFileStatus: securityFileStatus(e.security) } : {}),
});
