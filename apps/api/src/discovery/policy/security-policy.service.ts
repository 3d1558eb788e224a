import { Injectable } from '@nestjs/common';
import type { Principal } from '../../common/auth/principal';
import { OrgAccessService } from '../../orgs/org-access.service';
import { OrgSecurityPolicy, OrgSecurityPolicyRepository } from './org-security-policy.repository';

export interface SecurityPolicyView {
  organization: string;
  /** Pickle files are scanned before the branch moves; a commit adding a dangerous one gets 422. */
  blockDangerousPickles: boolean;
  updatedAt: string | null;
}

/** An organization's security policy: members read it, admins and owners change it. */
@Injectable()
export class SecurityPolicyService {
  constructor(
    private readonly orgs: OrgAccessService,
    private readonly policies: OrgSecurityPolicyRepository,
  ) {}

  async get(principal: Principal, orgName: string): Promise<SecurityPolicyView> {
    const org = await this.orgs.findOrThrow(orgName);
    await this.orgs.requireRole(principal, org, 'member');
    return view(org.name, await this.policies.get(org.id));
  }

  async set(principal: Principal, orgName: string, change: { blockDangerousPickles: boolean }): Promise<SecurityPolicyView> {
    const org = await this.orgs.findOrThrow(orgName);
    await this.orgs.requireRole(principal, org, 'admin');
    return view(org.name, await this.policies.set(org.id, change, principal.userId));
  }
}

const view = (organization: string, p: OrgSecurityPolicy): SecurityPolicyView => ({
  organization,
  blockDangerousPickles: p.blockDangerousPickles,
  updatedAt: p.updatedAt?.toISOString() ?? null,
});
