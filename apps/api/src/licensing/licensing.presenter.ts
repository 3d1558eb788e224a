import type { AuditRecord } from './license-audit.repository';
import { Grantee, GrantRecord, grantStatus, OfferRecord, RequestRecord, TermsRecord } from './licensing-records';
import type { RepoKind } from '../models/repo-kind';

/** Wire shapes of licensing (dates as ISO strings). */

export interface GranteeInfo {
  type: 'org' | 'user';
  name: string;
}

export const presentGrantee = (g: Grantee): GranteeInfo => ({ type: g.kind, name: g.name });

const iso = (d: Date | null) => d?.toISOString() ?? null;

export const presentTerms = (t: TermsRecord) => ({
  version: t.version,
  terms: t.text,
  commercialUse: t.commercialUse,
  fieldsOfUse: t.fieldsOfUse,
  territories: t.territories,
  seats: t.seats,
  durationDays: t.durationDays,
  price: t.price,
  rights: t.rights,
  quota: t.quota,
  createdAt: t.createdAt.toISOString(),
});

export const presentOffer = (o: OfferRecord, repo: { fullName: string; kind: RepoKind }) => {
  const { version, createdAt, ...terms } = presentTerms(o.terms);
  return {
    id: o.id,
    model: repo.fullName,
    repoKind: repo.kind,
    kind: o.kind,
    title: o.title,
    description: o.description,
    spdxId: o.spdxId,
    termsVersion: version,
    termsUpdatedAt: createdAt,
    ...terms,
    approval: o.approval,
    questions: o.questions,
    status: o.withdrawnAt ? ('withdrawn' as const) : ('active' as const),
    withdrawnAt: iso(o.withdrawnAt),
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
  };
};
export type OfferInfo = ReturnType<typeof presentOffer>;

export const presentGrant = (g: GrantRecord, now = new Date()) => ({
  id: g.id,
  model: g.modelName,
  repoKind: g.repoKind,
  grantee: presentGrantee(g.grantee),
  offerId: g.offerId,
  offerTitle: g.offerTitle,
  termsVersion: g.termsVersion,
  status: grantStatus(g, now),
  startsAt: g.startsAt.toISOString(),
  endsAt: iso(g.endsAt),
  revokedAt: iso(g.revokedAt),
  revokeReason: g.revokeReason,
  requestId: g.requestId,
  createdAt: g.createdAt.toISOString(),
});
export type GrantInfo = ReturnType<typeof presentGrant>;

export const presentRequest = (r: RequestRecord) => ({
  id: r.id,
  model: r.modelName,
  repoKind: r.repoKind,
  offerId: r.offerId,
  offerTitle: r.offerTitle,
  requester: r.requester?.username ?? null,
  grantee: presentGrantee(r.grantee),
  termsVersion: r.termsVersion,
  answers: r.answers,
  message: r.message,
  status: r.status,
  decidedBy: r.decidedBy?.username ?? null,
  decidedAt: iso(r.decidedAt),
  /** The approval note. */
  note: r.status === 'approved' ? r.decisionNote : null,
  /** Why it was rejected (or cancelled, when the canceller said). */
  reason: r.status === 'rejected' || r.status === 'cancelled' ? r.decisionNote : null,
  grantId: r.grantId,
  createdAt: r.createdAt.toISOString(),
});
export type RequestInfo = ReturnType<typeof presentRequest>;

export const presentAudit = (e: AuditRecord) => ({
  id: e.id,
  at: e.at.toISOString(),
  action: e.action,
  actor: e.actorName,
  model: e.modelName,
  licensee: e.licenseeName ? { type: e.licenseeOrgId ? ('org' as const) : ('user' as const), name: e.licenseeName } : null,
  offerId: e.offerId,
  termsVersion: e.termsVersion,
  requestId: e.requestId,
  grantId: e.grantId,
  via: e.via,
  path: e.path,
  revision: e.revision,
  commitId: e.commitId,
  details: e.details,
});
export type AuditInfo = ReturnType<typeof presentAudit>;
