import { HttpStatus, Injectable } from '@nestjs/common';
import { CacheInvalidation } from '../cache/cache-invalidation.service';
import { tag } from '../cache/invalidation-events';
import type { MovingCache } from '../cache/moving-cache';
import { HubException } from '../common/hub-exception';
import type { Principal } from '../common/auth/principal';
import { AccessRight, CallAllowance, DownloadDecision, DownloadGrant, DownloadGrantPort, ServedFile } from '../models/download-grant.port';
import { gatedRepo } from '../models/model-access.service';
import type { ModelRecord } from '../models/model.repository';
import type { Memberships } from '../orgs/memberships';
import { OrgAccessService } from '../orgs/org-access.service';
import { CountedWindow, GrantRepository, GrantTerms } from './grant.repository';
import { AuditInput, LicenseAuditRepository } from './license-audit.repository';
import type { GrantRecord } from './licensing-records';
import { KIND_SEGMENT } from '../models/repo-kind';

/** The grant as the decision sees it, with its terms (licensing reads them back from `terms`). */
type GrantWithTerms = DownloadGrant & { terms: GrantTerms };

const toDownloadGrant = (g: GrantRecord & { terms: GrantTerms }): GrantWithTerms => ({
  id: g.id,
  offerId: g.offerId,
  termsVersion: g.termsVersion,
  granteeOrgId: g.grantee.kind === 'org' ? g.grantee.id : null,
  granteeUserId: g.grantee.kind === 'user' ? g.grantee.id : null,
  granteeName: g.grantee.name,
  startsAt: g.startsAt,
  endsAt: g.endsAt,
  rights: g.terms.rights.filter((r): r is AccessRight => r === 'download' || r === 'inference'),
  terms: g.terms,
});

/**
 * Licensing's side of the download decision (DownloadGrantPort): which grant lets a caller
 * download, the last check under a lock right before the bytes go out, and the audit entry of
 * every download of a gated file.
 */
@Injectable()
export class GrantAccessService extends DownloadGrantPort {
  /**
   * Active grants found for a caller (never their absence, so a new grant needs no notice). A
   * revoke drops them on every replica; expiry is read from the clock; and whatever the cache
   * says, `confirmDownload` re-checks the grant under a lock before any byte goes out.
   */
  private readonly found: MovingCache<GrantWithTerms | null>;

  constructor(
    private readonly grants: GrantRepository,
    private readonly audit: LicenseAuditRepository,
    private readonly orgAccess: OrgAccessService,
    invalidation: CacheInvalidation,
  ) {
    super();
    this.found = invalidation.movingCache('grants', 10_000);
  }

  async findActiveGrant(principal: Principal, model: ModelRecord, right: AccessRight): Promise<GrantWithTerms | null> {
    const memberships = await this.orgAccess.memberships(principal);
    // Keyed by the holders the grant is looked up for (the credential's memberships), as findActiveFor reads them.
    const key = `${model.id}/${right}/${memberships.userId ?? ''}/${memberships.organizationIds.join(',')}`;
    const grant = await this.found.get(
      key,
      () => this.findActiveGrantFor(model, memberships, right),
      (g) => (g ? [tag.grant(model.id), tag.membership(principal.userId)] : null),
    );
    if (grant && grant.endsAt && grant.endsAt <= new Date()) {
      this.found.delete(key);
      return this.findActiveGrantFor(model, memberships, right);
    }
    return grant;
  }

  private async findActiveGrantFor(model: ModelRecord, memberships: Memberships, right: AccessRight): Promise<GrantWithTerms | null> {
    const grant = await this.grants.findActiveFor(model.id, { userId: memberships.userId, orgIds: memberships.organizationIds }, right);
    return grant ? toDownloadGrant(grant) : null;
  }

  async confirmCall(principal: Principal, model: ModelRecord, grant: DownloadGrant): Promise<CallAllowance> {
    const { terms } = grant as GrantWithTerms;
    const quotas = [
      ...(terms.callsPerMinute ? [{ window: 'minute' as const, limit: terms.callsPerMinute }] : []),
      ...(terms.callsPerDay ? [{ window: 'day' as const, limit: terms.callsPerDay }] : []),
    ];
    const outcome = await this.grants.confirmCall(grant.id, principal.userId, terms.seats, quotas);
    if (outcome.ok) {
      const price = terms.price?.period === 'per_call' ? { amount: terms.price.amount, currency: terms.price.currency } : null;
      return { quota: tightest(outcome.windows), pricePerCall: price };
    }
    if (outcome.reason === 'seat_limit') throw seatLimit(grant, terms.seats!);
    if (outcome.reason === 'quota') {
      const w = outcome.window;
      const retryAfter = Math.max(1, Math.ceil((w.resetAt.getTime() - Date.now()) / 1000));
      throw new HubException(
        HttpStatus.TOO_MANY_REQUESTS,
        'quota_exceeded',
        `Licence grant ${grant.id} allows ${w.limit} calls per ${w.window}; they are used up until ${w.resetAt.toISOString()}`,
        { headers: { 'Retry-After': String(retryAfter), ...rateLimitHeaders({ limit: w.limit, remaining: 0, resetAt: w.resetAt }) } },
      );
    }
    const other = await this.findActiveGrantFor(model, await this.orgAccess.memberships(principal), 'inference');
    if (other && other.id !== grant.id) return this.confirmCall(principal, model, other);
    throw gatedRepo(model, principal, `Your licence grant ${grant.id} was revoked or has expired. ${this.howToRequestAccess(model)}`, 'call it');
  }

  async confirmDownload(principal: Principal | undefined, model: ModelRecord, decision: DownloadDecision, files: readonly ServedFile[]): Promise<void> {
    const entries = files.filter(servesBytes).map((file) => this.entry(principal, model, decision, file));
    if (decision.via === 'member') {
      await this.audit.recordMany(entries);
      return;
    }
    if (decision.via !== 'grant' || !principal) return;
    const seats = (decision.grant as GrantWithTerms).terms?.seats ?? null;
    const confirmed = await this.grants.confirmDownload(decision.grant.id, entries, seats === null ? undefined : { userId: principal.userId, seats });
    if (confirmed === 'seat_limit') throw seatLimit(decision.grant, seats!);
    if (confirmed) return;
    // The grant ended between the decision and now; another active grant may still serve.
    // Past the cache: the grant just found ended may be the cached one.
    const other = await this.findActiveGrantFor(model, await this.orgAccess.memberships(principal), 'download');
    if (other && other.id !== decision.grant.id) return this.confirmDownload(principal, model, { via: 'grant', grant: other }, files);
    throw gatedRepo(model, principal, `Your licence grant ${decision.grant.id} was revoked or has expired. ${this.howToRequestAccess(model)}`);
  }

  howToRequestAccess(model: ModelRecord): string {
    return (
      `To request access, pick a licence offer from GET /api/v1/${KIND_SEGMENT[model.kind]}/${model.fullName}/offers and request it with ` +
      `POST /api/v1/offers/{offerId}/requests (for yourself, or for an organization you administer); ` +
      `GET /api/v1/${KIND_SEGMENT[model.kind]}/${model.fullName}/access shows your access and your request.`
    );
  }

  private entry(principal: Principal | undefined, model: ModelRecord, decision: DownloadDecision, file: ServedFile): AuditInput {
    const grant = decision.via === 'grant' ? decision.grant : null;
    return {
      action: 'file.downloaded',
      actorUserId: principal?.userId ?? null,
      actorName: principal?.username ?? null,
      modelId: model.id,
      modelName: model.fullName,
      publisherOrgId: model.ownerOrgId,
      licenseeOrgId: grant?.granteeOrgId ?? null,
      licenseeUserId: grant?.granteeUserId ?? null,
      licenseeName: grant?.granteeName ?? null,
      offerId: grant?.offerId ?? null,
      termsVersion: grant?.termsVersion ?? null,
      grantId: grant?.id ?? null,
      via: grant ? 'grant' : 'member',
      path: file.path,
      revision: file.revision,
      commitId: file.commitId,
      details: { method: file.method, route: file.route, sha256: file.blobSha256 },
    };
  }
}

/** A GET, or a HEAD answered with a presigned URL: either puts the bytes in the caller's hands. */
const servesBytes = (file: ServedFile) => file.method === 'GET' || file.issuesUrl;

/** The X-RateLimit-* headers of a quota window (Reset: seconds until it resets, as most APIs send it). */
export function rateLimitHeaders(q: { limit: number; remaining: number; resetAt: Date }): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(q.limit),
    'X-RateLimit-Remaining': String(Math.max(0, q.remaining)),
    'X-RateLimit-Reset': String(Math.max(0, Math.ceil((q.resetAt.getTime() - Date.now()) / 1000))),
  };
}

/** The window with the fewest calls left: the one the headers report. */
function tightest(windows: CountedWindow[]) {
  const states = windows.map((w) => ({ limit: w.limit, remaining: w.limit - w.calls, resetAt: w.resetAt }));
  return states.sort((a, b) => a.remaining - b.remaining)[0] ?? null;
}

const seatLimit = (grant: DownloadGrant, seats: number) =>
  HubException.forbidden(
    `Licence grant ${grant.id} (held by '${grant.granteeName}') covers ${seats} seat${seats === 1 ? '' : 's'}, all taken by other users; ` +
      'ask its administrators to free a seat or to request more seats.',
    'seat_limit',
  );
