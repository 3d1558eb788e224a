import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { ModelAccessService } from '../models/model-access.service';
import { OrgAccessService } from '../orgs/org-access.service';
import { GrantRepository } from './grant.repository';
import { LicenseRequestRepository } from './license-request.repository';
import { GrantInfo, presentGrant, presentRequest, RequestInfo } from './licensing.presenter';
import type { RepoKind } from '../models/repo-kind';

export interface AccessStatus {
  model: string;
  canDownload: boolean;
  via: 'public' | 'member' | 'grant' | null;
  /** The grant the caller downloads under (via `grant`). */
  grant?: GrantInfo;
  /** The caller's newest request for this model (for themselves or an organization of theirs). */
  request?: RequestInfo;
  /** How to ask for access, when the caller cannot download. */
  howToRequest?: string;
}

/**
 * `GET /api/v1/models/{ns}/{name}/access`: what the download routes would decide for the caller
 * (the same ModelAccessService decision, so the answer cannot disagree with them), and where their
 * request stands.
 */
@Injectable()
export class AccessStatusService {
  constructor(
    private readonly access: ModelAccessService,
    private readonly grants: GrantRepository,
    private readonly requests: LicenseRequestRepository,
    private readonly orgAccess: OrgAccessService,
  ) {}

  async status(principal: Principal | undefined, namespace: string, name: string, kind: RepoKind): Promise<AccessStatus> {
    const model = await this.access.findReadable(principal, namespace, name, kind);
    const decision = await this.access.downloadDecision(principal, model);
    const status: AccessStatus = { model: model.fullName, canDownload: decision !== null, via: decision?.via ?? null };
    if (decision?.via === 'grant') {
      const grant = await this.grants.findById(decision.grant.id);
      if (grant) status.grant = presentGrant(grant);
    }
    if (principal) {
      const memberships = await this.orgAccess.memberships(principal);
      const request = await this.requests.latestForUser(model.id, { userId: memberships.userId, orgIds: memberships.organizationIds });
      if (request) status.request = presentRequest(request);
    }
    if (!decision) {
      status.howToRequest = `Pick a licence offer from GET /api/v1/models/${model.fullName}/offers and request it with POST /api/v1/offers/{offerId}/requests.`;
    }
    return status;
  }
}
