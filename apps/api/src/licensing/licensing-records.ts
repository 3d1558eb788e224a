/**
 * The shapes licensing's services work with. Repositories map Prisma rows onto them, so no
 * Prisma type leaves a repository.
 */

import type { AccessRight } from '../models/download-grant.port';
import type { RepoKind } from '../models/repo-kind';

export const OFFER_KINDS = ['open', 'custom'] as const;
export type OfferKind = (typeof OFFER_KINDS)[number];

export const APPROVAL_MODES = ['auto', 'manual'] as const;
export type ApprovalMode = (typeof APPROVAL_MODES)[number];

export const PRICE_PERIODS = ['once', 'month', 'year', 'per-call'] as const;
export type PricePeriod = (typeof PRICE_PERIODS)[number];

export const REQUEST_STATUSES = ['pending', 'approved', 'rejected', 'cancelled'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const GRANT_STATUSES = ['active', 'expired', 'revoked'] as const;
export type GrantStatus = (typeof GRANT_STATUSES)[number];

export interface OfferQuestion {
  id: string;
  text: string;
  required: boolean;
}

export interface Price {
  /** A decimal string, e.g. "1200" or "0.002". */
  amount: string;
  /** ISO 4217, upper case. */
  currency: string;
  period: PricePeriod;
}

/** What a terms version fixes: the text and every condition a grant is bound by. */
export interface TermsInput {
  text: string;
  commercialUse: boolean;
  fieldsOfUse: string[];
  territories: string[];
  seats: number | null;
  durationDays: number | null;
  price: Price | null;
  /** What a grant allows: `download`, `inference` or both. */
  rights: AccessRight[];
  /** Hosted-inference quotas of each grant (null: unlimited). */
  quota: CallQuota;
}

export interface CallQuota {
  callsPerMinute: number | null;
  callsPerDay: number | null;
}

export interface TermsRecord extends TermsInput {
  version: number;
  createdAt: Date;
}

export interface OfferRecord {
  id: string;
  modelId: string;
  kind: OfferKind;
  title: string;
  description: string;
  spdxId: string | null;
  approval: ApprovalMode;
  questions: OfferQuestion[];
  /** The current terms (the version new requests accept). */
  terms: TermsRecord;
  withdrawnAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Who a request or grant is for: an organization (all its members) or one user. */
export type Grantee = { kind: 'org'; id: string; name: string } | { kind: 'user'; id: string; name: string };

export interface UserRef {
  id: string;
  username: string;
}

export interface RequestRecord {
  id: string;
  offerId: string;
  offerTitle: string;
  modelId: string;
  /** `namespace/name` */
  modelName: string;
  /** The repository's kind (a dataset is licensed exactly as a model). */
  repoKind: RepoKind;
  requester: UserRef | null;
  grantee: Grantee;
  termsVersion: number;
  answers: Record<string, string>;
  message: string;
  status: RequestStatus;
  decidedBy: UserRef | null;
  decidedAt: Date | null;
  decisionNote: string | null;
  createdAt: Date;
  grantId: string | null;
}

export interface GrantRecord {
  id: string;
  offerId: string;
  offerTitle: string;
  modelId: string;
  /** `namespace/name` */
  modelName: string;
  repoKind: RepoKind;
  requestId: string | null;
  grantee: Grantee;
  termsVersion: number;
  startsAt: Date;
  endsAt: Date | null;
  revokedAt: Date | null;
  revokeReason: string | null;
  createdAt: Date;
}

/** A grant's status, computed when read, so that expiry takes effect the moment it passes. */
export function grantStatus(g: Pick<GrantRecord, 'revokedAt' | 'endsAt'>, now = new Date()): GrantStatus {
  if (g.revokedAt) return 'revoked';
  if (g.endsAt && g.endsAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

export const granteeKey = (g: Grantee) => `${g.kind}:${g.id}`;
