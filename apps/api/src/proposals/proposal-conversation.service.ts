import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { HubException } from '../common/hub-exception';
import { ModelAccessService } from '../models/model-access.service';
import type { ModelRecord } from '../models/model.repository';
import { ProposalAccessService } from '../models/proposal-access.service';
import { ProposalNotifier } from './proposal-notifier.service';
import { DiscussionEventRecord, DiscussionRecord, ProposalRepository } from './proposal.repository';
import { commentData, MAX_TEXT_LENGTH, MAX_TITLE_LENGTH, ProposalsService } from './proposals.service';

export type ReviewState = 'approved' | 'changes_requested';

/**
 * The conversation of a discussion or pull request: comments (by anyone who may propose), title
 * and status changes (its author and the model's members), reviews (members with `write`).
 */
@Injectable()
export class ProposalConversationService {
  constructor(
    private readonly proposals: ProposalRepository,
    private readonly service: ProposalsService,
    private readonly access: ModelAccessService,
    private readonly proposalAccess: ProposalAccessService,
    private readonly notifier: ProposalNotifier,
  ) {}

  async comment(principal: Principal, model: ModelRecord, number: number, text: string): Promise<DiscussionEventRecord> {
    const d = await this.service.find(model, number);
    await this.proposalAccess.assertMayPropose(principal, model);
    const event = await this.proposals.addEvent(d.id, 'comment', principal.userId, commentData(checkText(text, 'comment'), principal.username));
    await this.notifier.commented(model, d, principal, text);
    return event;
  }

  async rename(principal: Principal, model: ModelRecord, number: number, title: string): Promise<DiscussionEventRecord> {
    const d = await this.service.find(model, number);
    await this.assertAuthorOrMember(principal, model, d);
    const next = (title ?? '').trim();
    if (next.length < 1 || next.length > MAX_TITLE_LENGTH) {
      throw HubException.badRequest('invalid_title', `A discussion's title must be 1 to ${MAX_TITLE_LENGTH} characters long`);
    }
    await this.proposals.update(d.id, { title: next });
    return this.proposals.addEvent(d.id, 'title_change', principal.userId, { from: d.title, to: next });
  }

  /**
   * Closes or reopens (author and members). A merged pull request stays merged: reopening it is
   * 409 `pull_request_merged`. A closed pull request's ref stays readable.
   */
  async changeStatus(principal: Principal, model: ModelRecord, number: number, status: 'open' | 'closed', comment?: string): Promise<DiscussionEventRecord> {
    const d = await this.service.find(model, number);
    await this.assertAuthorOrMember(principal, model, d);
    if (status !== 'open' && status !== 'closed') throw HubException.badRequest('invalid_status', "status must be 'open' or 'closed'");
    if (d.status === 'merged') throw HubException.conflict(`#${number} of ${model.fullName} is merged: it cannot be reopened or closed`, 'pull_request_merged');
    const from = status === 'closed' ? (['open', 'draft'] as const) : (['closed'] as const);
    if (!(await this.proposals.changeStatus(d.id, [...from], { status }))) {
      throw HubException.conflict(`#${number} of ${model.fullName} is already ${d.status === 'draft' ? 'open (draft)' : d.status}`, 'status_unchanged');
    }
    if (comment?.trim()) await this.proposals.addEvent(d.id, 'comment', principal.userId, commentData(checkText(comment, 'comment'), principal.username));
    const event = await this.proposals.addEvent(d.id, 'status_change', principal.userId, { status });
    if (status === 'closed') await this.notifier.closed(model, { ...d, status }, principal);
    return event;
  }

  /** Edits a comment: its author only. The edit history keeps every earlier text. */
  async editComment(principal: Principal, model: ModelRecord, number: number, eventId: string, content: string): Promise<DiscussionEventRecord> {
    const d = await this.service.find(model, number);
    const event = await this.proposals.findEvent(d.id, String(eventId).toLowerCase());
    if (!event || event.type !== 'comment')
      throw HubException.notFound(`Comment ${eventId} does not exist on #${number} of ${model.fullName}`, 'comment_not_found');
    if (event.authorId !== principal.userId) throw HubException.forbidden('Only the author of a comment may edit it', 'not_comment_author');
    const history = (event.data.history as Record<string, unknown>[] | undefined) ?? [];
    return this.proposals.updateEvent(event.id, commentData(checkText(content, 'content'), principal.username, history));
  }

  /** A review by a member with `write`: approve, or request changes, with a comment. */
  async review(principal: Principal, model: ModelRecord, number: number, input: { state: ReviewState; comment?: string }): Promise<DiscussionEventRecord> {
    const d = await this.service.pullRequest(model, number);
    await this.proposalAccess.assertMayReview(principal, model);
    if (input.state !== 'approved' && input.state !== 'changes_requested') {
      throw HubException.badRequest('invalid_review', "A review's state is 'approved' or 'changes_requested'");
    }
    if (d.status === 'merged' || d.status === 'closed')
      throw HubException.conflict(`#${number} of ${model.fullName} is ${d.status}`, `pull_request_${d.status}`);
    const comment = input.comment ? checkText(input.comment, 'comment') : '';
    const event = await this.proposals.addEvent(d.id, 'review', principal.userId, { state: input.state, comment, oid: await this.service.head(model, d) });
    await this.notifier.reviewed(model, d, principal, input.state, comment);
    return event;
  }

  /** Reviewers whose latest review approves (the author's own reviews never count). */
  async approvals(d: DiscussionRecord): Promise<string[]> {
    const latest = new Map<string, string>();
    for (const e of await this.proposals.events(d.id)) {
      if (e.type === 'review' && e.authorId && e.authorId !== d.authorId) latest.set(e.authorName ?? e.authorId, String(e.data.state));
    }
    return [...latest].filter(([, state]) => state === 'approved').map(([who]) => who);
  }

  private async assertAuthorOrMember(principal: Principal, model: ModelRecord, d: DiscussionRecord): Promise<void> {
    if (d.authorId === principal.userId) {
      this.access.assertSignedInWithWrite(principal);
      return;
    }
    await this.access.assertCanWrite(principal, model);
  }
}

function checkText(text: unknown, field: string): string {
  if (typeof text !== 'string' || !text.trim()) throw HubException.badRequest(`invalid_${field}`, `${field} must be a non-empty text`);
  if (text.length > MAX_TEXT_LENGTH) throw HubException.badRequest(`invalid_${field}`, `${field} may be at most ${MAX_TEXT_LENGTH} characters`);
  return text;
}
