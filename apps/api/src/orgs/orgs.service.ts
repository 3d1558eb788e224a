import { Injectable } from '@nestjs/common';
import type { MemberInfo, OrganizationInfo } from '@model-hub/contracts';
import type { Principal } from '../common/auth/principal';
import { HubException } from '../common/hub-exception';
import { NamespaceRepository } from '../namespaces/namespace.repository';
import { assertValidNamespaceName } from '../namespaces/namespace-rules';
import { UserRepository } from '../users/user.repository';
import { AddMemberDto } from './dto/member.dto';
import { CreateOrgDto } from './dto/create-org.dto';
import { ListOrgsQuery } from './dto/list-orgs.query';
import { UpdateOrgDto } from './dto/update-org.dto';
import { OrgAccessService } from './org-access.service';
import { presentOrg } from './org.presenter';
import { MembershipChange, OrgRepository } from './org.repository';
import { roleAtLeast } from './org-roles';

@Injectable()
export class OrgsService {
  constructor(
    private readonly orgs: OrgRepository,
    private readonly access: OrgAccessService,
    private readonly users: UserRepository,
    private readonly namespaces: NamespaceRepository,
  ) {}

  async create(principal: Principal, dto: CreateOrgDto): Promise<OrganizationInfo> {
    // A token restricted to one organization cannot found another.
    this.access.assertTokenMayActFor(principal, null);
    assertValidNamespaceName(dto.name, 'name');
    if (await this.namespaces.isTaken(dto.name)) {
      throw HubException.conflict(`The name '${dto.name}' is already taken by a user or organization`, 'name_taken');
    }
    const org = await this.orgs.create(
      { name: dto.name, displayName: dto.displayName ?? dto.name, kind: dto.kind, description: dto.description ?? null, website: dto.website ?? null },
      principal.userId,
    );
    return presentOrg(org);
  }

  async list(query: ListOrgsQuery): Promise<OrganizationInfo[]> {
    const rows = await this.orgs.list({ skip: query.offset, take: query.limit, verified: query.verified, kind: query.kind });
    return rows.map(presentOrg);
  }

  async get(name: string): Promise<OrganizationInfo> {
    return presentOrg(await this.access.findOrThrow(name));
  }

  async update(principal: Principal, name: string, dto: UpdateOrgDto): Promise<OrganizationInfo> {
    const org = await this.access.findOrThrow(name);
    await this.access.requireRole(principal, org, 'admin');
    return presentOrg(await this.orgs.update(org.id, dto));
  }

  async setVerified(principal: Principal, name: string, verified: boolean): Promise<OrganizationInfo> {
    if (!principal.isAdmin) throw HubException.forbidden('Only the platform administrator can verify organizations', 'not_platform_admin');
    const org = await this.access.findOrThrow(name);
    return presentOrg(await this.orgs.update(org.id, { verified }));
  }

  async members(name: string): Promise<MemberInfo[]> {
    const org = await this.access.findOrThrow(name);
    return (await this.orgs.members(org.id)).map(({ username, role }) => ({ username, role }));
  }

  async addMember(principal: Principal, name: string, dto: AddMemberDto): Promise<MemberInfo> {
    const org = await this.access.findOrThrow(name);
    const myRole = await this.access.requireRole(principal, org, 'admin');
    if (dto.role === 'owner' && myRole !== 'owner') throw HubException.forbidden('Only owners can add owners', 'insufficient_role');
    const user = await this.users.findByUsername(dto.username);
    if (!user) throw HubException.notFound(`User '${dto.username}' not found`, 'user_not_found');
    if (await this.orgs.roleOf(org.id, user.id)) {
      throw HubException.conflict(`'${user.username}' is already a member of '${org.name}'`, 'already_member');
    }
    await this.orgs.addMember(org.id, user.id, dto.role);
    return { username: user.username, role: dto.role };
  }

  async changeRole(principal: Principal, name: string, username: string, role: MemberInfo['role']): Promise<MemberInfo> {
    const org = await this.access.findOrThrow(name);
    const myRole = await this.access.requireRole(principal, org, 'admin');
    const target = await this.memberOrThrow(org.id, org.name, username);
    // Making or unmaking an owner is an owner's decision.
    if ((role === 'owner' || target.role === 'owner') && myRole !== 'owner') {
      throw HubException.forbidden('Only owners can grant or take away the owner role', 'insufficient_role');
    }
    this.expectDone(await this.orgs.changeMembership(org.id, target.userId, role), org.name);
    return { username: target.username, role };
  }

  /** Removes a member; any member may remove themselves (leave). */
  async removeMember(principal: Principal, name: string, username: string): Promise<void> {
    const org = await this.access.findOrThrow(name);
    const target = await this.memberOrThrow(org.id, org.name, username);
    if (target.userId !== principal.userId) {
      const myRole = await this.access.requireRole(principal, org, 'admin');
      if (target.role === 'owner' && myRole !== 'owner') throw HubException.forbidden('Only owners can remove an owner', 'insufficient_role');
    } else {
      this.access.assertTokenMayActFor(principal, org.id);
    }
    this.expectDone(await this.orgs.changeMembership(org.id, target.userId, null), org.name);
  }

  private async memberOrThrow(organizationId: string, orgName: string, username: string) {
    const user = await this.users.findByUsername(username);
    const role = user ? await this.orgs.roleOf(organizationId, user.id) : null;
    if (!user || !roleAtLeast(role, 'member')) {
      throw HubException.notFound(`'${username}' is not a member of '${orgName}'`, 'member_not_found');
    }
    return { userId: user.id, username: user.username, role: role! };
  }

  private expectDone(change: MembershipChange, orgName: string): void {
    if (change === 'last_owner') {
      throw HubException.conflict(`'${orgName}' must keep at least one owner: add another owner first`, 'last_owner');
    }
    if (change === 'not_member') throw HubException.notFound('Not a member', 'member_not_found');
  }
}
