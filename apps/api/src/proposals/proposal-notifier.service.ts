import { Injectable, Optional } from '@nestjs/common';
import { HubEvents, type HubEventName } from '../common/hub-events';
import type { ModelRecord } from '../models/model.repository';
import { NotificationsService } from '../notifications/notifications.service';
import { DiscussionRecord, ProposalRepository } from './proposal.repository';

/** The body of a `proposal.*` webhook and the data of its notification. */
const describe = (model: ModelRecord, d: DiscussionRecord) => ({
  model: model.fullName,
  kind: model.kind,
  number: d.number,
  title: d.title,
  isPullRequest: d.isPullRequest,
  status: d.status,
  author: d.authorName,
  targetBranch: d.targetBranch,
  ref: d.isPullRequest ? `refs/pr/${d.number}` : null,
  mergeCommitId: d.mergeCommitId,
});

/**
 * Tells people what happened to a proposal: in-app notifications to the model's members and the
 * proposal's author (never to whoever did it), and the owning organization's `proposal.*` webhooks.
 */
@Injectable()
export class ProposalNotifier {
  constructor(
    private readonly proposals: ProposalRepository,
    private readonly notifications: NotificationsService,
    @Optional() private readonly events?: HubEvents,
  ) {}

  opened(model: ModelRecord, d: DiscussionRecord): Promise<void> {
    const what = d.isPullRequest ? 'pull request' : 'discussion';
    return this.send('proposal.opened', model, d, d.authorId, `${d.authorName ?? 'Someone'} opened ${what} #${d.number} on ${model.fullName}: ${d.title}`);
  }

  commented(model: ModelRecord, d: DiscussionRecord, by: { userId: string; username: string }, text: string): Promise<void> {
    return this.send('proposal.commented', model, d, by.userId, `${by.username} commented on #${d.number} of ${model.fullName}`, text, {
      commentBy: by.username,
    });
  }

  reviewed(model: ModelRecord, d: DiscussionRecord, by: { userId: string; username: string }, state: string, comment: string): Promise<void> {
    const verb = state === 'approved' ? 'approved' : 'requested changes on';
    return this.send('proposal.reviewed', model, d, by.userId, `${by.username} ${verb} #${d.number} of ${model.fullName}`, comment, {
      reviewer: by.username,
      state,
    });
  }

  merged(model: ModelRecord, d: DiscussionRecord, by: { userId: string; username: string }, version: string | null): Promise<void> {
    const suffix = version ? ` as version ${version}` : '';
    return this.send('proposal.merged', model, d, by.userId, `${by.username} merged #${d.number} into ${model.fullName}${suffix}`, '', {
      mergedBy: by.username,
      version,
    });
  }

  closed(model: ModelRecord, d: DiscussionRecord, by: { userId: string; username: string }): Promise<void> {
    return this.send('proposal.closed', model, d, by.userId, `${by.username} closed #${d.number} of ${model.fullName}`, '', { closedBy: by.username });
  }

  private async send(
    event: HubEventName,
    model: ModelRecord,
    d: DiscussionRecord,
    actorId: string | null,
    title: string,
    body = '',
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    const data = { ...describe(model, d), ...extra };
    const recipients = [...(await this.proposals.namespaceMemberIds(model)), d.authorId].filter((id) => id && id !== actorId);
    await this.notifications.notify(recipients, { kind: event, title, body: body.slice(0, 2000), data });
    // Only organizations have webhooks; a private model's proposals reach its own organization only.
    await this.events?.publish(event, { proposal: data }, [model.ownerOrgId]);
  }
}
