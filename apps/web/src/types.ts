// Shapes of the hub's answers that the app reads (docs/discovery.md, docs/registry-internals.md).
import type { RepoKind } from './repo-kind';

export interface User {
  id: string;
  username: string;
  email: string;
  isAdmin: boolean;
  /** The organizations the user belongs to, with their role (from `/api/v1/me`). */
  orgs?: { name: string; role: 'owner' | 'admin' | 'member' }[];
}

export interface SearchItem {
  id: string;
  /** Absent from hubs before datasets: a model. */
  kind?: 'model' | 'dataset';
  namespace: string;
  name: string;
  task: string | null;
  library: string | null;
  license: string | null;
  downloads: number;
  likes: number;
  parameters: number | null;
  verified: boolean;
  updatedAt: string;
  /** Commercial use allowed here while something upstream forbids it. */
  licenseConflict?: boolean;
}

export interface Facet {
  value: string;
  count: number;
}

export interface SearchPage {
  total: number;
  items: SearchItem[];
  facets: Record<string, Facet[]>;
  nextCursor: string | null;
}

export interface ModelInfo {
  id: string;
  namespace: string;
  name: string;
  visibility: string;
  private: boolean;
  gated: false | 'auto' | 'manual';
  trendingScore: number;
  safetensors: { parameters: Record<string, number>; total: number } | null;
  pipelineTag: string | null;
  libraryName: string | null;
  license: string | null;
  tags: string[];
  languages: string[];
  /** A dataset card's `task_categories` and `size_categories`. */
  taskCategories?: string[];
  sizeCategories?: string[];
  /** Upstream nodes whose licence forbids what this one allows (docs/lineage.md). */
  licenseConflicts?: LicenseConflict[];
  downloads: number;
  likes: number;
  parameters: number | null;
  lastModified: string;
  sha: string | null;
}

export interface TreeEntry {
  type: 'file' | 'directory';
  path: string;
  size: number;
  /** git's blob id of the file (or pointer). */
  oid: string;
  lfs?: { oid: string; size: number };
  security?: { status: string };
}

export interface TreePage {
  commitId: string;
  entries: TreeEntry[];
  nextCursor: string | null;
}

export interface Version {
  name: string;
  commitId: string;
  notes: string;
  status: 'active' | 'deprecated';
  deprecationMessage: string | null;
  createdAt: string;
}

export interface Commit {
  id: string;
  title: string;
  authors: { user: string }[];
  date: string;
}

export interface Organization {
  name: string;
  displayName: string;
  kind: string;
  description: string | null;
  verified: boolean;
}

// Licensing (docs/licensing.md).
export interface Price {
  amount: string;
  currency: string;
  period: 'once' | 'month' | 'year' | 'per-call';
}

export interface OfferQuestion {
  id: string;
  text: string;
  required: boolean;
}

export interface OfferConditions {
  terms: string | null;
  commercialUse: boolean;
  fieldsOfUse: string[];
  territories: string[];
  seats: number | null;
  durationDays: number | null;
  price: Price | null;
}

export interface Offer extends OfferConditions {
  id: string;
  model: string;
  kind: 'open' | 'custom';
  title: string;
  description: string;
  spdxId: string | null;
  termsVersion: number;
  termsUpdatedAt: string;
  approval: 'auto' | 'manual';
  questions: OfferQuestion[];
  status: 'active' | 'withdrawn';
}

export interface Grantee {
  type: 'org' | 'user';
  name: string;
}

export interface Grant {
  id: string;
  model: string;
  grantee: Grantee;
  offerId: string;
  offerTitle: string;
  termsVersion: number;
  status: 'active' | 'expired' | 'revoked';
  startsAt: string;
  endsAt: string | null;
  revokedAt: string | null;
  revokeReason: string | null;
}

export interface LicenseRequest {
  id: string;
  model: string;
  offerId: string;
  offerTitle: string;
  requester: string | null;
  grantee: Grantee;
  termsVersion: number;
  answers: Record<string, string>;
  message: string | null;
  status: 'pending' | 'approved' | 'rejected' | 'cancelled';
  reason: string | null;
  note: string | null;
  grantId: string | null;
  createdAt: string;
}

export interface AccessStatus {
  canDownload: boolean;
  via: 'public' | 'member' | 'grant' | null;
  grant?: Grant;
  request?: LicenseRequest;
}

export interface UsageReport {
  from: string;
  to: string;
  totalDownloads: number;
  licensees: { licensee: Grantee; downloads: number; users: number; files: number; lastDownloadAt: string | null }[];
}

export interface AuditEntry {
  id: string;
  at: string;
  action: string;
  actor: string | null;
  model: string | null;
  licensee: Grantee | null;
  path: string | null;
  termsVersion: number | null;
}

// Lineage (docs/lineage.md).
/** `GET /api/v1/lineage/{models|datasets}/{ns}/{name}?direction=&depth=` (docs/lineage.md). */
export interface LineageGraph {
  root: { kind: RepoKind; id: string };
  direction: 'up' | 'down';
  depth: number;
  nodes: {
    kind: RepoKind;
    id: string;
    relation: string;
    via: string;
    depth: number;
    resolved: boolean;
    license: string | null;
    visibility: 'public' | 'private' | 'gated' | null;
  }[];
  /** Nodes the caller may not see: counted, never named. */
  hidden: { total: number; byDepth: Record<string, number> };
}

/** A node upstream whose licence forbids what this repository allows (model info's `licenseConflicts`). */
export interface LicenseConflict {
  /** null: a node the caller may not see. */
  repo: string | null;
  kind: RepoKind;
  license: string | null;
  reason: string;
}
