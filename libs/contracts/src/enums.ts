/** Enums shared by the API server and its clients. Values are the wire format. */

export const ORGANIZATION_KINDS = ['company', 'research', 'community'] as const;
export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number];

/** Roles in an organization, strongest first. */
export const ORG_ROLES = ['owner', 'admin', 'member'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

/** API token scopes; each includes the ones after it (admin ⊃ write ⊃ read). */
export const TOKEN_SCOPES = ['read', 'write', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export const MODEL_VISIBILITIES = ['public', 'private', 'gated'] as const;
export type ModelVisibility = (typeof MODEL_VISIBILITIES)[number];

/** A repository's kind: models and datasets share the registry (one table, names unique per kind). */
export const REPO_KINDS = ['model', 'dataset'] as const;
export type RepoKind = (typeof REPO_KINDS)[number];
