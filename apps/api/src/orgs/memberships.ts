import type { OrgRole } from '@model-hub/contracts';

/** One organization the caller belongs to, as OrgRepository.membershipsOf reads it. */
export interface OrgMembership {
  organizationId: string;
  namespaceId: string;
  role: OrgRole;
}

/**
 * The namespaces a caller acts in, with their role in each: the one visibility rule, decided
 * once per call by OrgAccessService.memberships (a token restricted to an organization counts
 * for that organization only, not even for its owner's own namespace). Everything that asks
 * "may this caller see or act in that namespace" — model access, search, likes, licence
 * requests — reads it from here.
 */
export class Memberships {
  static readonly none = new Memberships(null, null, [], null);

  private readonly orgs: Map<string, OrgMembership>;

  constructor(
    /** The caller's own user id, when the credential counts for their own namespace. */
    readonly userId: string | null,
    private readonly userNamespaceId: string | null,
    orgs: OrgMembership[],
    /** The organization an organization-restricted token is limited to. */
    private readonly onlyOrgId: string | null,
  ) {
    this.orgs = new Map(orgs.map((o) => [o.organizationId, o]));
  }

  /** Namespace ids whose private models the caller sees. */
  get namespaceIds(): Set<string> {
    return new Set([...(this.userNamespaceId ? [this.userNamespaceId] : []), ...[...this.orgs.values()].map((o) => o.namespaceId)]);
  }

  /** Organizations the caller belongs to (as this credential counts). */
  get organizationIds(): string[] {
    return [...this.orgs.keys()];
  }

  /** Whether the credential may act for this organization at all (a restricted token: only its own). */
  mayActFor(organizationId: string): boolean {
    return !this.onlyOrgId || this.onlyOrgId === organizationId;
  }

  roleInOrg(organizationId: string): OrgRole | null {
    return this.orgs.get(organizationId)?.role ?? null;
  }

  /** The caller's role in a namespace owned by a user or an organization; a user is `owner` of their own. */
  roleIn(owner: { ownerUserId: string | null; ownerOrgId: string | null }): OrgRole | null {
    if (owner.ownerUserId) return owner.ownerUserId === this.userId ? 'owner' : null;
    return owner.ownerOrgId ? this.roleInOrg(owner.ownerOrgId) : null;
  }
}
