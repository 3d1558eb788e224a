import type { OrganizationKind, OrgRole, TokenScope } from './enums';

/** The one error shape every route answers with. */
export interface ApiError {
  error: string;
  code: string;
  requestId: string;
  details?: { field: string; message: string }[];
}

export interface UserSummary {
  id: string;
  username: string;
  email: string;
  isAdmin: boolean;
}

export interface AuthResult {
  user: UserSummary;
  accessToken: string;
  expiresAt: string;
}

export interface Me extends UserSummary {
  fullName: string | null;
  orgs: { name: string; role: OrgRole }[];
}

export interface ApiTokenInfo {
  id: string;
  name: string;
  scopes: TokenScope[];
  org: string | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

export interface CreatedApiToken extends ApiTokenInfo {
  /** The secret, shown once. */
  token: string;
}

export interface OrganizationInfo {
  name: string;
  displayName: string;
  kind: OrganizationKind;
  description: string | null;
  website: string | null;
  verified: boolean;
  createdAt: string;
}

export interface MemberInfo {
  username: string;
  role: OrgRole;
}
