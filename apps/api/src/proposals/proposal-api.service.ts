import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { ModelAccessService } from '../models/model-access.service';
import type { ModelRecord } from '../models/model.repository';
import { ModelsService } from '../models/models.service';
import { ProposalSettings, ProposalSettingsRepository } from '../models/proposal-settings.repository';
import { OrgAccessService } from '../orgs/org-access.service';
import { ProposalListQuery, ProposalMergeDto, ProposalReviewDto } from './dto/proposal.dto';
import { ProposalConversationService } from './proposal-conversation.service';
import { ProposalDiffService } from './proposal-diff.service';
import { ProposalMergeService } from './proposal-merge.service';
import type { DiscussionEventRecord, DiscussionRecord } from './proposal.repository';
import { prRef, ProposalsService } from './proposals.service';
import type { RepoKind } from '../models/repo-kind';

const presentEvent = (e: DiscussionEventRecord) => ({ id: e.id, type: e.type, author: e.authorName, createdAt: e.createdAt.toISOString(), data: e.data });

const presentProposal = (model: ModelRecord, d: DiscussionRecord) => ({
  model: model.fullName,
  number: d.number,
  title: d.title,
  kind: d.isPullRequest ? 'pull_request' : 'discussion',
  status: d.status,
  author: d.authorName,
  targetBranch: d.targetBranch,
  ref: d.isPullRequest ? prRef(d.number) : null,
  baseCommitId: d.baseCommitId,
  mergeCommitId: d.mergeCommitId,
  mergedAt: d.mergedAt?.toISOString() ?? null,
  createdAt: d.createdAt.toISOString(),
});

/** The native proposals API (/api/v1/models/{ns}/{name}/proposals...): the same services as the Hugging Face routes. */
@Injectable()
export class ProposalApiService {
  constructor(
    private readonly access: ModelAccessService,
    private readonly orgAccess: OrgAccessService,
    private readonly settings: ProposalSettingsRepository,
    private readonly models: ModelsService,
    private readonly proposals: ProposalsService,
    private readonly conversation: ProposalConversationService,
    private readonly merges: ProposalMergeService,
    private readonly diffs: ProposalDiffService,
  ) {}

  async list(principal: Principal | undefined, ns: string, name: string, kind: RepoKind, q: ProposalListQuery) {
    const model = await this.access.findReadable(principal, ns, name, kind);
    const page = await this.proposals.list(model, q);
    return { items: page.items.map((d) => presentProposal(model, d)), count: page.count, start: page.start };
  }

  async get(principal: Principal | undefined, ns: string, name: string, kind: RepoKind, num: number) {
    const model = await this.access.findReadable(principal, ns, name, kind);
    const { discussion, events } = await this.proposals.get(model, num);
    const pr = discussion.isPullRequest
      ? {
          head: await this.proposals.head(model, discussion),
          filesWithConflicts: await this.merges.conflicts(model, discussion),
          approvals: await this.conversation.approvals(discussion),
          requiredApprovals: (await this.proposalsSettings(model)).requiredApprovals,
        }
      : {};
    return { ...presentProposal(model, discussion), ...pr, events: events.map(presentEvent) };
  }

  async diff(principal: Principal | undefined, ns: string, name: string, kind: RepoKind, num: number) {
    const model = await this.access.findReadable(principal, ns, name, kind);
    return this.diffs.diff(principal, model, await this.proposals.pullRequest(model, num));
  }

  async comment(principal: Principal, ns: string, name: string, kind: RepoKind, num: number, text: string) {
    const model = await this.access.findReadable(principal, ns, name, kind);
    return presentEvent(await this.conversation.comment(principal, model, num, text));
  }

  async review(principal: Principal, ns: string, name: string, kind: RepoKind, num: number, dto: ProposalReviewDto) {
    const model = await this.access.findReadable(principal, ns, name, kind);
    return presentEvent(await this.conversation.review(principal, model, num, dto));
  }

  async merge(principal: Principal, ns: string, name: string, kind: RepoKind, num: number, dto: ProposalMergeDto) {
    const model = await this.access.findReadable(principal, ns, name, kind);
    const merged = await this.merges.merge(principal, model, num, dto);
    return { ...presentProposal(model, merged.discussion), fastForward: merged.fastForward, version: merged.version };
  }

  async setStatus(principal: Principal, ns: string, name: string, kind: RepoKind, num: number, status: 'open' | 'closed', comment?: string) {
    const model = await this.access.findReadable(principal, ns, name, kind);
    await this.conversation.changeStatus(principal, model, num, status, comment);
    return presentProposal(model, await this.proposals.find(model, num));
  }

  /** The authors of merged proposals to the model, most merges first. */
  async contributors(principal: Principal | undefined, ns: string, name: string, kind: RepoKind) {
    const model = await this.access.findReadable(principal, ns, name, kind);
    return { contributors: await this.models.contributors(model) };
  }

  async orgSettings(principal: Principal, org: string): Promise<ProposalSettings> {
    const record = await this.orgAccess.findOrThrow(org);
    await this.orgAccess.requireRole(principal, record, 'member');
    return this.settings.find(record.id);
  }

  async updateOrgSettings(principal: Principal, org: string, next: ProposalSettings): Promise<ProposalSettings> {
    const record = await this.orgAccess.findOrThrow(org);
    await this.orgAccess.requireRole(principal, record, 'admin');
    return this.settings.save(record.id, { whoMayPropose: next.whoMayPropose, requiredApprovals: next.requiredApprovals });
  }

  private proposalsSettings(model: ModelRecord) {
    return model.ownerOrgId ? this.settings.find(model.ownerOrgId) : Promise.resolve({ whoMayPropose: 'anyone', requiredApprovals: 0 });
  }
}
