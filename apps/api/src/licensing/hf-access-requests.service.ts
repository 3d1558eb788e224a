import { HttpStatus, Injectable } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { HubException } from '../common/hub-exception';
import { ModelAccessService } from '../models/model-access.service';
import type { ModelRecord } from '../models/model.repository';
import { UserRepository } from '../users/user.repository';
import { auditContext } from './audit-context';
import { LicenseRequestRepository } from './license-request.repository';
import { LicenseRequestsService } from './license-requests.service';
import type { Grantee, RequestRecord, RequestStatus } from './licensing-records';
import { LicensingNotifier } from './licensing-notifier.service';
import { OfferRepository } from './offer.repository';
import type { RepoKind } from '../models/repo-kind';

export const HF_ACCESS_STATUSES = ['pending', 'accepted', 'rejected'] as const;
export type HfAccessStatus = (typeof HF_ACCESS_STATUSES)[number];

const TO_REQUEST_STATUS: Record<HfAccessStatus, RequestStatus> = { pending: 'pending', accepted: 'approved', rejected: 'rejected' };
const DAY_MS = 24 * 3600 * 1000;

/** One entry as huggingface_hub's list_*_access_requests reads it (AccessRequest). */
export interface HfAccessRequest {
  user: { user: string; fullname: string };
  status: HfAccessStatus;
  timestamp: string;
  fields: Record<string, string>;
}

/**
 * Hugging Face's gated-repo access requests over the hub's licensing: a user's request of a
 * model's offer is an access request (organizations' requests stay the hub's own API),
 * accepting is approving it, rejecting is rejecting it, and `grant` requests the model's single
 * open offer on the user's behalf and grants it at once. The model's administrators only.
 */
@Injectable()
export class HfAccessRequestsService {
  constructor(
    private readonly access: ModelAccessService,
    private readonly requests: LicenseRequestRepository,
    private readonly decisions: LicenseRequestsService,
    private readonly offers: OfferRepository,
    private readonly users: UserRepository,
    private readonly notifier: LicensingNotifier,
  ) {}

  async list(principal: Principal, namespace: string, name: string, kind: RepoKind, status: HfAccessStatus): Promise<HfAccessRequest[]> {
    const model = await this.adminModel(principal, namespace, name, kind);
    const rows = await this.requests.list({ modelId: model.id, status: TO_REQUEST_STATUS[status] });
    return rows.filter((r) => r.grantee.kind === 'user').map((r) => present(r, status));
  }

  async handle(
    principal: Principal,
    namespace: string,
    name: string,
    kind: RepoKind,
    username: string,
    status: HfAccessStatus,
    rejectionReason?: string,
  ): Promise<void> {
    const model = await this.adminModel(principal, namespace, name, kind);
    if (status === 'pending') {
      throw HubException.badRequest(
        'unsupported_status',
        'A decided licence request cannot go back to pending here: revoke the grant instead (POST /api/v1/grants/{id}/revoke)',
      );
    }
    const user = await this.findUser(username);
    const [pending] = await this.requests.list({ modelId: model.id, granteeUserId: user.id, status: 'pending' }, 1);
    if (!pending) throw HubException.notFound(`'${username}' has no pending access request for ${model.fullName}`, 'request_not_found');
    if (status === 'accepted') await this.decisions.approve(principal, pending.id, {});
    else await this.decisions.reject(principal, pending.id, rejectionReason?.trim() || `Rejected by the administrators of ${model.fullName}`);
  }

  async grant(principal: Principal, namespace: string, name: string, kind: RepoKind, username: string): Promise<void> {
    const model = await this.adminModel(principal, namespace, name, kind);
    if (model.gated === 'none' && !model.private) throw HubException.badRequest('not_gated', `${model.fullName} is not gated: everyone may download it`);
    const user = await this.findUser(username);
    if (user.id === model.ownerUserId) throw HubException.badRequest('already_granted', `${username} owns ${model.fullName}`);
    const open = (await this.offers.listForModel(model.id)).filter((o) => !o.withdrawnAt);
    if (open.length !== 1) {
      throw HubException.conflict(
        `${model.fullName} has ${open.length} open licence offers: grant access by approving the user's request of one of them (POST /api/v1/license-requests/{id}/approve)`,
        'offer_ambiguous',
      );
    }
    const [offer] = open;
    const grantee: Grantee = { kind: 'user', id: user.id, name: user.username };
    const result = await this.requests.create(
      {
        offerId: offer.id,
        modelId: model.id,
        requesterId: principal.userId,
        grantee,
        termsVersion: offer.terms.version,
        answers: {},
        message: `Access granted by ${principal.username}`,
        autoGrant: { endsAt: offer.terms.durationDays ? new Date(Date.now() + offer.terms.durationDays * DAY_MS) : null },
      },
      auditContext(principal, model, { offerId: offer.id, termsVersion: offer.terms.version }, grantee),
    );
    if ('conflict' in result) {
      if (result.conflict === 'pending') return void (await this.decisions.approve(principal, result.requestId, {}));
      throw new HubException(HttpStatus.BAD_REQUEST, 'already_granted', `${username} already has access to ${model.fullName} (grant ${result.grantId})`);
    }
    await this.notifier.requested(model, result.created, result.grant);
  }

  private async adminModel(principal: Principal, namespace: string, name: string, kind: RepoKind): Promise<ModelRecord> {
    const model = await this.access.findReadable(principal, namespace, name, kind);
    await this.access.assertCanAdmin(principal, model);
    return model;
  }

  private async findUser(username: string) {
    const user = typeof username === 'string' ? await this.users.findByUsername(username) : null;
    if (!user) throw HubException.notFound(`User '${username}' not found`, 'user_not_found');
    return user;
  }
}

const present = (r: RequestRecord, status: HfAccessStatus): HfAccessRequest => ({
  user: { user: r.grantee.name, fullname: r.grantee.name },
  status,
  timestamp: r.createdAt.toISOString(),
  fields: r.answers,
});
