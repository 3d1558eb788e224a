import { Injectable } from '@nestjs/common';
import type { OrgRole } from '@model-hub/contracts';
import { CacheInvalidation } from '../cache/cache-invalidation.service';
import { tag } from '../cache/invalidation-events';
import type { MovingCache } from '../cache/moving-cache';
import type { Principal } from '../common/auth/principal';
import { HubException } from '../common/hub-exception';
import { OrgRecord, OrgRepository } from './org.repository';
import { Memberships } from './memberships';
import { roleAtLeast } from './org-roles';

/**
 * Who may act for an organization, and which namespaces a caller sees. Shared by every module
 * that reads or writes on an organization's behalf, so the rule (role, and organization-restricted
 * tokens) lives once.
 */
@Injectable()
export class OrgAccessService {
  /** Each user's memberships as stored (the token's restriction is applied per request). */
  private readonly membershipsByUser: MovingCache<Awaited<ReturnType<OrgRepository['membershipsOf']>>>;

  constructor(
    private readonly orgs: OrgRepository,
    invalidation: CacheInvalidation,
  ) {
    this.membershipsByUser = invalidation.movingCache('memberships', 10_000);
  }

  async findOrThrow(name: string): Promise<OrgRecord> {
    const org = await this.orgs.findByName(name);
    if (!org) throw HubException.notFound(`Organization '${name}' not found`, 'org_not_found');
    return org;
  }

  /** A token restricted to one organization can act for that organization only. */
  assertTokenMayActFor(principal: Principal, organizationId: string | null): void {
    if (principal.restrictedToOrgId && principal.restrictedToOrgId !== organizationId) {
      throw HubException.forbidden(
        `This token is restricted to the organization '${principal.restrictedToOrgName}' and cannot act elsewhere`,
        'token_org_restricted',
      );
    }
  }

  /**
   * The caller's memberships as their credential counts (see Memberships): the one bulk answer to
   * "which namespaces does this caller see, with what role", in one query.
   */
  async memberships(principal: Principal | undefined): Promise<Memberships> {
    if (!principal) return Memberships.none;
    const userId = principal.userId;
    const { userNamespaceId, orgs } = await this.membershipsByUser.get(
      userId,
      () => this.orgs.membershipsOf(userId),
      () => [tag.membership(userId), tag.user(userId)],
    );
    const only = principal.restrictedToOrgId;
    if (!only) return new Memberships(principal.userId, userNamespaceId, orgs, null);
    return new Memberships(
      null,
      null,
      orgs.filter((o) => o.organizationId === only),
      only,
    );
  }

  /** The caller's role in `org`, which must be at least `minimum`; 403 otherwise. */
  async requireRole(principal: Principal, org: OrgRecord, minimum: OrgRole): Promise<OrgRole> {
    this.assertTokenMayActFor(principal, org.id);
    const role = (await this.memberships(principal)).roleInOrg(org.id);
    if (!roleAtLeast(role, minimum)) {
      throw HubException.forbidden(`This action needs the '${minimum}' role in the organization '${org.name}'`, 'insufficient_role');
    }
    return role!;
  }
}
