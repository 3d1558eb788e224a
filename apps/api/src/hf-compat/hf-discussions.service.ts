import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { ModelAccessService } from '../models/model-access.service';
import { ProposalConversationService } from '../proposals/proposal-conversation.service';
import { ProposalDiffService } from '../proposals/proposal-diff.service';
import { ProposalMergeService } from '../proposals/proposal-merge.service';
import { ProposalsService } from '../proposals/proposals.service';
import { HfCreateDiscussionDto, HfDiscussionsQuery } from '../proposals/dto/proposal.dto';
import { presentHfDiscussion, presentHfDiscussionDetails, presentHfEvent } from './hf-discussion.presenter';
import { type RepoKind, repoWebPath } from '../models/repo-kind';

/** Hugging Face's discussions and pull requests API, over the proposals services (the model must be readable: 404 otherwise). */
@Injectable()
export class HfDiscussionsService {
  constructor(
    private readonly access: ModelAccessService,
    private readonly proposals: ProposalsService,
    private readonly conversation: ProposalConversationService,
    private readonly merges: ProposalMergeService,
    private readonly diffs: ProposalDiffService,
  ) {}

  async list(principal: Principal | undefined, ns: string, name: string, kind: RepoKind, q: HfDiscussionsQuery) {
    const model = await this.access.findReadable(principal, ns, name, kind);
    const page = await this.proposals.list(model, { page: q.p, type: q.type, status: q.status, author: q.author });
    return { discussions: page.items.map((d) => presentHfDiscussion(model.fullName, d)), count: page.count, start: page.start };
  }

  async details(principal: Principal | undefined, ns: string, name: string, kind: RepoKind, num: number, withDiff: boolean) {
    const model = await this.access.findReadable(principal, ns, name, kind);
    const { discussion, events } = await this.proposals.get(model, num);
    if (!discussion.isPullRequest) return presentHfDiscussionDetails(model.fullName, discussion, events);
    const conflicts = await this.merges.conflicts(model, discussion);
    const diff = withDiff ? ProposalDiffService.asText(await this.diffs.diff(principal, model, discussion)) : undefined;
    return presentHfDiscussionDetails(model.fullName, discussion, events, { conflicts, diff });
  }

  async create(principal: Principal, ns: string, name: string, kind: RepoKind, dto: HfCreateDiscussionDto) {
    const model = await this.access.findReadable(principal, ns, name, kind);
    const d = await this.proposals.open(principal, model, { title: dto.title, description: dto.description, pullRequest: dto.pullRequest });
    return { ...presentHfDiscussion(model.fullName, d), url: `${repoWebPath(model.kind, model.fullName)}/discussions/${d.number}` };
  }

  async comment(principal: Principal, ns: string, name: string, kind: RepoKind, num: number, text: string) {
    const model = await this.access.findReadable(principal, ns, name, kind);
    return { newMessage: presentHfEvent(await this.conversation.comment(principal, model, num, text)) };
  }

  async status(principal: Principal, ns: string, name: string, kind: RepoKind, num: number, status: 'open' | 'closed', comment?: string) {
    const model = await this.access.findReadable(principal, ns, name, kind);
    return { newStatus: presentHfEvent(await this.conversation.changeStatus(principal, model, num, status, comment)) };
  }

  async title(principal: Principal, ns: string, name: string, kind: RepoKind, num: number, title: string) {
    const model = await this.access.findReadable(principal, ns, name, kind);
    return { newTitle: presentHfEvent(await this.conversation.rename(principal, model, num, title)) };
  }

  async editComment(principal: Principal, ns: string, name: string, kind: RepoKind, num: number, commentId: string, content: string) {
    const model = await this.access.findReadable(principal, ns, name, kind);
    return { updatedComment: presentHfEvent(await this.conversation.editComment(principal, model, num, commentId, content)) };
  }

  async merge(principal: Principal, ns: string, name: string, kind: RepoKind, num: number, comment?: string) {
    const model = await this.access.findReadable(principal, ns, name, kind);
    const merged = await this.merges.merge(principal, model, num, { comment });
    return { status: merged.discussion.status, mergeCommitId: merged.mergeCommitId };
  }
}
