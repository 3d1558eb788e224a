import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Principal } from '../common/auth/principal';
import { ModelAccessService } from '../models/model-access.service';
import { BranchesService, RefInfo, RefList } from './branches.service';
import { parseCommitOperations } from './commit-operations.parser';
import { CommitService } from './commit.service';
import type { CreateBranchDto } from './dto/branch.dto';
import type { CreateCommitDto } from './dto/commit-request.dto';
import type { HistoryQuery, RevisionQuery, TreeQuery } from './dto/repo-queries.dto';
import type { CreateVersionDto } from './dto/version.dto';
import { FileDownloadService } from './file-download.service';
import { sendFileResolution } from './file-response';
import { HistoryPage, HistoryService } from './history.service';
import { RevisionService } from './revision.service';
import { TreeEntry, TreeService } from './tree.service';
import { VersionInfo, VersionsService } from './versions.service';
import type { RepoKind } from '../models/repo-kind';

/**
 * The native API (`/api/v1/models/{ns}/{name}/...`) over the repo-history services: finds the
 * model the caller may see (404 otherwise), then hands over. No rule lives here.
 */
@Injectable()
export class RepoApiService {
  constructor(
    private readonly access: ModelAccessService,
    private readonly revisions: RevisionService,
    private readonly commits: CommitService,
    private readonly tree: TreeService,
    private readonly history: HistoryService,
    private readonly branches: BranchesService,
    private readonly versions: VersionsService,
    private readonly downloads: FileDownloadService,
  ) {}

  async listVersions(p: Principal | undefined, ns: string, name: string, kind: RepoKind): Promise<VersionInfo[]> {
    return this.versions.list(await this.access.findReadable(p, ns, name, kind));
  }

  async createVersion(p: Principal, ns: string, name: string, kind: RepoKind, dto: CreateVersionDto): Promise<VersionInfo> {
    return this.versions.create(p, await this.access.findReadable(p, ns, name, kind), dto);
  }

  async latestVersion(p: Principal | undefined, ns: string, name: string, kind: RepoKind): Promise<VersionInfo> {
    return this.versions.latest(await this.access.findReadable(p, ns, name, kind));
  }

  async getVersion(p: Principal | undefined, ns: string, name: string, kind: RepoKind, version: string): Promise<VersionInfo> {
    return this.versions.get(await this.access.findReadable(p, ns, name, kind), version);
  }

  async deprecateVersion(p: Principal, ns: string, name: string, kind: RepoKind, version: string, message: string): Promise<VersionInfo> {
    return this.versions.deprecate(p, await this.access.findReadable(p, ns, name, kind), version, message);
  }

  async deleteVersion(p: Principal, ns: string, name: string, kind: RepoKind, version: string): Promise<never> {
    return this.versions.delete(p, await this.access.findReadable(p, ns, name, kind), version);
  }

  async files(
    p: Principal | undefined,
    ns: string,
    name: string,
    kind: RepoKind,
    q: TreeQuery,
  ): Promise<{ commitId: string; entries: TreeEntry[]; nextCursor: string | null }> {
    const model = await this.access.findReadable(p, ns, name, kind);
    const { commitId } = await this.revisions.resolve(model, q.revision);
    const page = await this.tree.list(model, commitId, q);
    return { commitId, ...page };
  }

  /** GET and HEAD (Express routes HEAD to the GET handler; `req.method` tells them apart). */
  async download(
    p: Principal | undefined,
    ns: string,
    name: string,
    kind: RepoKind,
    path: string,
    q: RevisionQuery,
    req: Request,
    res: Response,
  ): Promise<void> {
    const model = await this.access.findReadableForFiles(p, ns, name, kind);
    const resolution = await this.downloads.resolve(p, model, q.revision, path, { method: req.method === 'HEAD' ? 'HEAD' : 'GET', address: req.ip ?? null });
    sendFileResolution(req, res, resolution);
  }

  async commitsOf(p: Principal | undefined, ns: string, name: string, kind: RepoKind, q: HistoryQuery): Promise<HistoryPage> {
    return this.history.list(await this.access.findReadable(p, ns, name, kind), q.revision, q);
  }

  async commit(
    p: Principal,
    ns: string,
    name: string,
    kind: RepoKind,
    dto: CreateCommitDto,
  ): Promise<{ commitId: string; parentCommit: string; branch: string }> {
    const model = await this.access.findReadable(p, ns, name, kind);
    const operations = parseCommitOperations(dto.operations);
    const r = await this.commits.commit(p, model, {
      branch: dto.branch ?? 'main',
      parentCommit: dto.parentCommit,
      summary: dto.summary,
      description: dto.description,
      operations,
    });
    return { commitId: r.commitId, parentCommit: r.parentId, branch: r.branch };
  }

  async refs(p: Principal | undefined, ns: string, name: string, kind: RepoKind): Promise<RefList> {
    return this.branches.listRefs(await this.access.findReadable(p, ns, name, kind));
  }

  async createBranch(p: Principal, ns: string, name: string, kind: RepoKind, dto: CreateBranchDto): Promise<RefInfo> {
    return this.branches.create(p, await this.access.findReadable(p, ns, name, kind), dto.name, dto.startingPoint);
  }

  async deleteBranch(p: Principal, ns: string, name: string, kind: RepoKind, branch: string): Promise<void> {
    return this.branches.delete(p, await this.access.findReadable(p, ns, name, kind), branch);
  }
}
