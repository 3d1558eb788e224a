import type { Principal } from '../common/auth/principal';
import type { ModelRecord } from './model.repository';

/** What a grant allows (its offer's `rights`): its files, calls to its deployments, or both. */
export const ACCESS_RIGHTS = ['download', 'inference'] as const;
export type AccessRight = (typeof ACCESS_RIGHTS)[number];

/** A licence grant that lets its holder download a gated model's files, or call it, or both. */
export interface DownloadGrant {
  id: string;
  offerId: string;
  termsVersion: number;
  /** Exactly one of the two grantees is set. */
  granteeOrgId: string | null;
  granteeUserId: string | null;
  /** The grantee organization's or user's name. */
  granteeName: string;
  startsAt: Date;
  endsAt: Date | null;
  rights: AccessRight[];
}

/** A quota window of a grant as the call left it (for the X-RateLimit-* headers). */
export interface QuotaState {
  limit: number;
  remaining: number;
  resetAt: Date;
}

/** What licensing says about a call it confirmed under a grant: the quota left and the price the call costs. */
export interface CallAllowance {
  quota: QuotaState | null;
  pricePerCall: { amount: string; currency: string } | null;
}

/** Why a caller may have a model's file bytes. */
export type DownloadDecision = { via: 'public' } | { via: 'member' } | { via: 'grant'; grant: DownloadGrant };

/** How a file's bytes leave the hub (recorded with the audit entry). */
export type DownloadRoute = 'file' | 'lfs-batch' | 'lfs-object' | 'lfs-reuse' | 'preview';

/** The file about to be served, as the download routes resolved it. */
export interface ServedFile {
  method: 'GET' | 'HEAD';
  path: string;
  /** The revision the caller asked for (`main` when none; the commit for git-lfs, which names bytes, not revisions). */
  revision: string;
  commitId: string;
  blobSha256: string;
  /**
   * `file`: resolve, raw and the native files route; `lfs-batch` and `lfs-object`: git-lfs
   * download actions; `lfs-reuse`: an upload skipped because the caller may download these bytes
   * from this model (the bytes become theirs as surely as by a download); `preview`: a dataset
   * preview (rows derived from the bytes).
   */
  route: DownloadRoute;
  /**
   * Whether the answer hands out a presigned URL to the bytes. A HEAD that does is as good as a
   * download: huggingface_hub fetches the file straight from that URL without coming back.
   */
  issuesUrl: boolean;
}

/**
 * How licensing plugs grants into the one download decision (ModelAccessService) without the
 * models module depending on licensing: models defines this port, licensing implements it and
 * provides it from a global module (licensing/license-grants.module.ts). The dependency points one
 * way (licensing → models), so there is no import cycle; without licensing loaded, gated files go
 * to members only, which is the safe default.
 */
export abstract class DownloadGrantPort {
  /** An active grant held by the caller, or by an organization they belong to (only the token's organization for a restricted token). */
  abstract findActiveGrant(principal: Principal, model: ModelRecord, right: AccessRight): Promise<DownloadGrant | null>;

  /**
   * Called for a gated model right before the bytes (or the presigned URLs) go out: re-checks a
   * grant under a row lock, so that no download is authorized after a revoke has committed, and
   * records one licence audit entry per file served (GET, or a HEAD that issues a URL), in the
   * same transaction. Throws the same 403 as the decision when the grant ended in between.
   */
  abstract confirmDownload(principal: Principal | undefined, model: ModelRecord, decision: DownloadDecision, files: readonly ServedFile[]): Promise<void>;

  /**
   * Called for a gated model right before a hosted call runs: the grant is still active (under a
   * row lock, as for downloads), the caller holds one of its seats, and its quotas have room (the
   * call is counted). Throws 403 (ended, `seat_limit`) or 429 (`quota_exceeded`, with Retry-After
   * and X-RateLimit-* headers).
   */
  abstract confirmCall(principal: Principal, model: ModelRecord, grant: DownloadGrant): Promise<CallAllowance>;

  /** One sentence telling a refused caller how to ask for access. */
  abstract howToRequestAccess(model: ModelRecord): string;
}
