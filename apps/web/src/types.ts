// The hub's answers as the app reads them: aliases of the types generated from /openapi.json
// (generated/api-types.ts, from the API's own return types; docs/platform.md says how to regenerate).
import type { components } from './generated/api-types';

type Schemas = components['schemas'];

export type User = Schemas['Me'];
export type SearchPage = Schemas['SearchPage'];
export type SearchItem = Schemas['SearchItem'];
export type Facet = SearchPage['facets'][keyof SearchPage['facets']][number];
export type ModelInfo = Schemas['ModelsGetAnswer'];
export type TreePage = Schemas['RepoFilesAnswer'];
export type TreeEntry = Schemas['TreeEntry'];
export type Version = Schemas['VersionInfo'];
export type Commit = Schemas['HistoryEntry'];
export type Organization = Schemas['OrganizationInfo'];

// Licensing (docs/licensing.md).
export type Price = Schemas['Price'];
export type OfferQuestion = Schemas['OfferQuestion'];
export type Offer = Schemas['OffersGetAnswer'];
export type Grantee = Schemas['GranteeInfo'];
export type AccessStatus = Schemas['AccessStatus'];
export type Grant = NonNullable<AccessStatus['grant']>;
export type LicenseRequest = Schemas['LicenseRequestsGetAnswer'];
export type UsageReport = Schemas['UsageReport'];
export type AuditEntry = Schemas['LicenseReportsAuditAnswer']['items'][number];

// Lineage (docs/lineage.md).
export type LineageGraph = Schemas['LineageGraph'];
export type LicenseConflict = Schemas['LicenseConflict'];
