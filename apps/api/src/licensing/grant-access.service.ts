import { Injectable } from '@nestjs/common';
import { CacheInvalidation } from '../cache/cache-invalidation.service';
import { tag } from '../cache/invalidation-events';
import type { MovingCache } from '../cache/moving-cache';
import type { Principal } from '../common/auth/principal';
import { DownloadDecision, DownloadGrant, DownloadGrantPort, ServedFile } from '../models/download-grant.port';
import { gatedRepo } from '../models/model-access.service';
import type { ModelRecord } from '../models/model.repository';
import { OrgAccessService } from '../orgs/org-access.service';
import { GrantRepository } from './grant.repository';
import { AuditInput, LicenseAuditRepository } from './license-audit.repository';
import type { GrantRecord } from './licensing-records';

const toDownloadGrant = (g: GrantRecord): DownloadGrant => ({
  id: g.id,
  offerId: g.offerId,
  termsVersion: g.termsVersion,
  granteeOrgId: g.grantee.kind === 'org' ? g.grantee.id : null,
  granteeUserId: g.grantee.kind === 'user' ? g.grantee.id : null,
  granteeName: g.grantee.name,
  startsAt: g.startsAt,
  endsAt: g.endsAt,
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
  private readonly found: MovingCache<DownloadGrant | null>;

  constructor(
    private readonly grants: GrantRepository,
    private readonly audit: LicenseAuditRepository,
    private readonly orgAccess: OrgAccessService,
    invalidation: CacheInvalidation,
  ) {
    super();
    this.found = invalidation.movingCache('grants', 10_000);
  }

  async findActiveGrant(principal: Principal, model: ModelRecord): Promise<DownloadGrant | null> {
    const key = `${model.id}/${principal.userId}/${principal.restrictedToOrgId ?? ''}`;
    const grant = await this.found.get(
      key,
      () => this.findActiveGrantNow(principal, model),
      (g) => (g ? [tag.grant(model.id), tag.membership(principal.userId)] : null),
    );
    if (grant && grant.endsAt && grant.endsAt <= new Date()) {
      this.found.delete(key);
      return this.findActiveGrantNow(principal, model);
    }
    return grant;
  }

  private async findActiveGrantNow(principal: Principal, model: ModelRecord): Promise<DownloadGrant | null> {
    const memberships = await this.orgAccess.memberships(principal);
    const grant = await this.grants.findActiveFor(model.id, { userId: memberships.userId, orgIds: memberships.organizationIds });
    return grant ? toDownloadGrant(grant) : null;
  }

  async confirmDownload(principal: Principal | undefined, model: ModelRecord, decision: DownloadDecision, files: readonly ServedFile[]): Promise<void> {
    const entries = files.filter(servesBytes).map((file) => this.entry(principal, model, decision, file));
    if (decision.via === 'member') {
      await this.audit.recordMany(entries);
      return;
    }
    if (decision.via !== 'grant' || !principal) return;
    if (await this.grants.confirmDownload(decision.grant.id, entries)) return;
    // The grant ended between the decision and now; another active grant may still serve.
    const other = await this.findActiveGrantNow(principal, model);
    if (other && other.id !== decision.grant.id) return this.confirmDownload(principal, model, { via: 'grant', grant: other }, files);
    throw gatedRepo(model, principal, `Your licence grant ${decision.grant.id} was revoked or has expired. ${this.howToRequestAccess(model)}`);
  }

  howToRequestAccess(model: ModelRecord): string {
    return (
      `To request access, pick a licence offer from GET /api/v1/models/${model.fullName}/offers and request it with ` +
      `POST /api/v1/offers/{offerId}/requests (for yourself, or for an organization you administer); ` +
      `GET /api/v1/models/${model.fullName}/access shows your access and your request.`
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
