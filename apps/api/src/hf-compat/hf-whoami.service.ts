import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { hasScope } from '../common/auth/principal';
import { HubException } from '../common/hub-exception';
import { OrgAccessService } from '../orgs/org-access.service';
import { UserRepository } from '../users/user.repository';

/** `GET /api/whoami-v2` in the shape huggingface_hub and @huggingface/hub read. */
@Injectable()
export class HfWhoamiService {
  constructor(
    private readonly users: UserRepository,
    private readonly orgAccess: OrgAccessService,
  ) {}

  async whoami(principal: Principal) {
    const user = await this.users.findById(principal.userId);
    if (!user) throw HubException.unauthorized('The account behind this token no longer exists');
    const orgs = await this.users.organizationsOf(user.id);
    // An organization-restricted token shows only its organization (the one rule, in OrgAccessService.memberships).
    const memberships = await this.orgAccess.memberships(principal);
    const visibleOrgs = orgs.filter((o) => memberships.roleInOrg(o.organizationId) !== null);
    return {
      type: 'user',
      id: user.id,
      name: user.username,
      fullname: user.fullName ?? user.username,
      email: user.email,
      emailVerified: false,
      isPro: false,
      canPay: false,
      avatarUrl: '',
      isAdmin: user.isAdmin,
      orgs: visibleOrgs.map((o) => ({
        type: 'org',
        id: o.organizationId,
        name: o.name,
        fullname: o.displayName,
        roleInOrg: o.role,
        avatarUrl: '',
        isEnterprise: false,
      })),
      auth: {
        type: 'access_token',
        accessToken: {
          displayName: principal.via === 'token' ? principal.tokenName : 'session',
          role: hasScope(principal, 'write') ? 'write' : 'read',
        },
      },
    };
  }
}
