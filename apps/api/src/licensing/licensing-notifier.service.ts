import { Injectable, Optional } from '@nestjs/common';
import { HubEventName, HubEvents } from '../common/hub-events';
import type { ModelRecord } from '../models/model.repository';
import { NotificationsService } from '../notifications/notifications.service';
import { OrgRepository } from '../orgs/org.repository';
import type { Grantee, GrantRecord, RequestRecord } from './licensing-records';
import { presentGrant, presentRequest } from './licensing.presenter';
import { KIND_SEGMENT } from '../models/repo-kind';

const describeGrantee = (g: Grantee) => (g.kind === 'org' ? `the organization '${g.name}'` : `'${g.name}'`);

/**
 * Tells the people and systems concerned about licence decisions: in-app notifications (the
 * publisher's admins for requests; the grantee's admins and the requester for decisions,
 * revocations and expiry notices) and webhook events for the organizations on both sides. The
 * audit entries are written by the repositories, in the decision's own transaction.
 */
@Injectable()
export class LicensingNotifier {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly orgs: OrgRepository,
    @Optional() private readonly events?: HubEvents,
  ) {}

  async requested(model: ModelRecord, request: RequestRecord, grant: GrantRecord | null): Promise<void> {
    const who = describeGrantee(request.grantee);
    await this.notifications.notify(await this.publisherAdmins(model), {
      kind: 'license.requested',
      title: grant ? `${who} was granted '${request.offerTitle}' on ${model.fullName}` : `${who} requests '${request.offerTitle}' on ${model.fullName}`,
      body: grant ? 'The offer is granted automatically.' : `Approve or reject it: POST /api/v1/license-requests/${request.id}/approve or /reject.`,
      data: { model: model.fullName, requestId: request.id, offerId: request.offerId, grantId: grant?.id ?? null },
    });
    await this.publish('license.requested', model, request.grantee, { request: presentRequest(request) });
    if (grant) await this.approved(model, request, grant);
  }

  async approved(model: ModelRecord, request: RequestRecord, grant: GrantRecord): Promise<void> {
    await this.notifications.notify(await this.granteeUsers(request.grantee, request.requester?.id), {
      kind: 'license.approved',
      title: `Access to ${model.fullName} granted to ${describeGrantee(request.grantee)}`,
      body: grant.endsAt ? `The grant ends ${grant.endsAt.toISOString()}.` : 'The grant does not expire.',
      data: { model: model.fullName, requestId: request.id, grantId: grant.id },
    });
    await this.publish('license.approved', model, request.grantee, { request: presentRequest(request), grant: presentGrant(grant) });
  }

  async rejected(model: ModelRecord, request: RequestRecord): Promise<void> {
    await this.notifications.notify(await this.granteeUsers(request.grantee, request.requester?.id), {
      kind: 'license.rejected',
      title: `Request for ${model.fullName} rejected`,
      body: request.decisionNote ?? '',
      data: { model: model.fullName, requestId: request.id },
    });
    await this.publish('license.rejected', model, request.grantee, { request: presentRequest(request) });
  }

  /** No webhook event: the publisher's admins are told in the app that there is nothing to decide. */
  async cancelled(model: ModelRecord, request: RequestRecord): Promise<void> {
    await this.notifications.notify(await this.publisherAdmins(model), {
      kind: 'license.cancelled',
      title: `${describeGrantee(request.grantee)} cancelled the request for ${model.fullName}`,
      body: '',
      data: { model: model.fullName, requestId: request.id },
    });
  }

  async revoked(model: ModelRecord, grant: GrantRecord): Promise<void> {
    await this.notifications.notify(await this.granteeUsers(grant.grantee), {
      kind: 'grant.revoked',
      title: `Access to ${model.fullName} revoked for ${describeGrantee(grant.grantee)}`,
      body: grant.revokeReason ?? '',
      data: { model: model.fullName, grantId: grant.id },
    });
    await this.publish('grant.revoked', model, grant.grantee, { grant: presentGrant(grant) });
  }

  async expiring(model: ModelRecord, grant: GrantRecord): Promise<void> {
    await this.notifications.notify(await this.granteeUsers(grant.grantee), {
      kind: 'grant.expiring',
      title: `Access to ${model.fullName} for ${describeGrantee(grant.grantee)} ends ${grant.endsAt!.toISOString()}`,
      body: `Request the offer again before then to keep access: GET /api/v1/${KIND_SEGMENT[model.kind]}/${model.fullName}/offers.`,
      data: { model: model.fullName, grantId: grant.id, endsAt: grant.endsAt!.toISOString() },
    });
    await this.publish('grant.expiring', model, grant.grantee, { grant: presentGrant(grant) });
  }

  /** Both sides' organizations receive the event (once when they are the same). */
  private async publish(event: HubEventName, model: ModelRecord, grantee: Grantee, data: Record<string, unknown>): Promise<void> {
    await this.events?.publish(event, { model: model.fullName, kind: model.kind, ...data }, [model.ownerOrgId, grantee.kind === 'org' ? grantee.id : null]);
  }

  private async publisherAdmins(model: ModelRecord): Promise<string[]> {
    return model.ownerOrgId ? this.adminsOf(model.ownerOrgId) : [model.ownerUserId!];
  }

  private async granteeUsers(grantee: Grantee, requesterId?: string): Promise<string[]> {
    if (grantee.kind === 'user') return [grantee.id];
    return [...(await this.adminsOf(grantee.id)), ...(requesterId ? [requesterId] : [])];
  }

  private async adminsOf(organizationId: string): Promise<string[]> {
    return (await this.orgs.members(organizationId)).filter((m) => m.role !== 'member').map((m) => m.userId);
  }
}
