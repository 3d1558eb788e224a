import { HttpStatus, Injectable, Optional } from '@nestjs/common';
import { CacheInvalidation } from '../cache/cache-invalidation.service';
import { tag } from '../cache/invalidation-events';
import type { MovingCache } from '../cache/moving-cache';
import { hasScope, type Principal } from '../common/auth/principal';
import { HubException } from '../common/hub-exception';
import { OrgAccessService } from '../orgs/org-access.service';
import { roleAtLeast } from '../orgs/org-roles';
import type { OrgRole } from '@model-hub/contracts';
import { AccessRight, CallAllowance, DownloadDecision, DownloadGrantPort, ServedFile } from './download-grant.port';
import { DownloadPermit } from './download-permit';
import { ModelRecord, ModelRepository } from './model.repository';
import type { RepoKind } from './repo-kind';

/**
 * The one place that decides who may read, write, administer and download a model. Every route
 * (native and Hugging Face-compatible) goes through it; licensing extends `authorizeDownload`.
 *
 * - Membership: for a user's namespace, that user; for an organization's, any of its members. A
 *   token restricted to an organization counts only for that organization (not even for its
 *   owner's own namespace). The rule lives in OrgAccessService.memberships, used by search too.
 * - Read: public and gated models, anyone; private ones, members only. Others get 404, the same
 *   answer as a model that does not exist, so private names never leak.
 * - Write: membership and a token with the `write` scope.
 * - Admin (settings, delete): write, plus `admin` or `owner` role for an organization.
 * - Download: read, and for a gated model membership or an active licence grant held by the
 *   caller or by an organization they belong to (401/403 `GatedRepo` otherwise). Grants come
 *   through `DownloadGrantPort`, which licensing implements (see download-grant.port.ts for why
 *   a port: models must not import licensing, which builds on models).
 */
/** What `locate` found: the files about to be served, and whatever else the route needs of them. */
export interface LocatedFiles<T> {
  files: ServedFile[];
  value: T;
}

export interface AuthorizedDownload<T> {
  permit: DownloadPermit;
  value: T;
}

/** A hosted call the download decision allowed (for the `inference` right), confirmed like a download. */
export interface AuthorizedCall {
  decision: DownloadDecision;
  /** Set for calls under a grant. */
  allowance: CallAllowance | null;
}

/** Files of a gated model that anyone who can see the model may read. */
const OPEN_FILES_OF_GATED_MODELS: ReadonlySet<string> = new Set(['README.md', '.gitattributes']);

@Injectable()
export class ModelAccessService {
  /** Models by lower-cased `namespace/name`, for the file routes (see findReadableForFiles). */
  private readonly byName: MovingCache<ModelRecord | null>;

  constructor(
    private readonly models: ModelRepository,
    private readonly orgAccess: OrgAccessService,
    invalidation: CacheInvalidation,
    // Optional: the hub always loads licensing, but a models module alone (unit tests, tools)
    // still decides safely, members only.
    @Optional() private readonly grants?: DownloadGrantPort,
  ) {
    this.byName = invalidation.movingCache('models', 10_000);
  }

  /** The repository of this kind if `principal` may see it; 404 `RepoNotFound` when it does not exist or is hidden. */
  async findReadable(principal: Principal | undefined, namespace: string, name: string, kind: RepoKind): Promise<ModelRecord> {
    const model = await this.models.findByName(namespace, name, kind);
    if (!model || !(await this.canRead(principal, model))) throw repoNotFound(`${namespace}/${name}`, kind);
    return model;
  }

  /**
   * `findReadable` for the routes that serve files (resolve, raw, the native files route) and
   * hosted calls, which clients repeat for every file or call: the model's settings come from a cache that every
   * change of visibility, gating or the model itself drops on every replica. Its counters
   * (downloads, likes, lastModified, mainCommitId) may be behind: those routes never show them.
   */
  async findReadableForFiles(principal: Principal | undefined, namespace: string, name: string, kind: RepoKind): Promise<ModelRecord> {
    const model = await this.byName.get(
      `${kind}:${namespace}/${name}`.toLowerCase(),
      () => this.models.findByName(namespace, name, kind),
      (m) => (m ? [tag.model(m.id)] : null),
    );
    if (!model || !(await this.canRead(principal, model))) throw repoNotFound(`${namespace}/${name}`, kind);
    return model;
  }

  /**
   * Namespace ids whose private models `principal` sees (null: anonymous, public models only):
   * for search and listings, which filter many models at once by the same rule as `canRead`.
   */
  async visibleNamespaceIds(principal: Principal | undefined): Promise<Set<string> | null> {
    return principal ? (await this.orgAccess.memberships(principal)).namespaceIds : null;
  }

  async canRead(principal: Principal | undefined, model: ModelRecord): Promise<boolean> {
    if (!model.private) return true;
    return (await this.roleIn(principal, model)) !== null;
  }

  /** Whether the caller is a member of the model's namespace (any role; their token's scope aside). */
  async isMember(principal: Principal | undefined, model: ModelRecord): Promise<boolean> {
    return (await this.roleIn(principal, model)) !== null;
  }

  /** 401 anonymous, 403 `insufficient_scope` without the `write` scope (for actions that need no membership, as proposing). */
  assertSignedInWithWrite(principal: Principal | undefined): asserts principal is Principal {
    if (!principal) throw HubException.unauthorized();
    this.assertWriteScope(principal);
  }

  /** Membership and the `write` scope; 401 anonymous, 404 when unreadable, 403 otherwise. */
  async assertCanWrite(principal: Principal | undefined, model: ModelRecord): Promise<void> {
    await this.requireRole(principal, model, 'member', 'write to');
  }

  /** Settings and deletion: the user themselves, or an organization's admin or owner. */
  async assertCanAdmin(principal: Principal | undefined, model: ModelRecord): Promise<void> {
    await this.requireRole(principal, model, 'admin', 'change the settings of or delete');
  }

  /**
   * The one download decision, decided and confirmed in one call; every route that hands out a
   * model file's bytes or a URL to them makes it and passes the permit to BlobService, which
   * serves nothing without one.
   *
   * 1. Decide: the caller has already found the model readable, so private models are settled
   *    (members only: grants never open a private model); a gated model serves its files to
   *    members of its namespace and to holders of an active grant. Refusals: anonymous 401,
   *    others 403, both `GatedRepo`, saying how to request access. The one exception, the card
   *    and `.gitattributes` of a gated model, is served to anyone who can see the model.
   * 2. `locate` finds the files about to be served (revision, path, blob; its 404s come now).
   * 3. Confirm (gated models): licensing re-checks the grant under a lock (a revoke that
   *    committed stops it) and writes one audit entry per file, in one transaction.
   */
  async authorizeDownload<T>(principal: Principal | undefined, model: ModelRecord, locate: () => Promise<LocatedFiles<T>>): Promise<AuthorizedDownload<T>> {
    if (!(await this.canRead(principal, model))) throw repoNotFound(model.fullName, model.kind);
    const decision = await this.downloadDecision(principal, model);
    if (!decision) return this.authorizeOpenFilesOfGated(principal, model, locate);
    const { files, value } = await locate();
    if (decision.via !== 'public' && !model.private) await this.grants?.confirmDownload(principal, model, decision, files);
    return { permit: new DownloadPermit(model.id, decision, files), value };
  }

  /**
   * A gated model's card and LFS rules are public, as on Hugging Face (people judge a model by its
   * card before they ask for a licence): a request for only those serves them; anything else is
   * refused as before.
   */
  private async authorizeOpenFilesOfGated<T>(
    principal: Principal | undefined,
    model: ModelRecord,
    locate: () => Promise<LocatedFiles<T>>,
  ): Promise<AuthorizedDownload<T>> {
    const refuse = async () => gatedRepo(model, principal, await this.refusalHint(principal, model, 'download'));
    if (model.private) throw await refuse();
    // A file that is not there is refused like any other: a refusal says nothing about the files.
    const { files, value } = await locate().catch(async () => Promise.reject(await refuse()));
    if (files.length === 0 || !files.every((f) => OPEN_FILES_OF_GATED_MODELS.has(f.path))) throw await refuse();
    return { permit: new DownloadPermit(model.id, { via: 'public' }, files), value };
  }

  /** 401/403 `GatedRepo` when the caller may see the model but not download its files (Hugging Face's auth-check). */
  async assertCanDownload(principal: Principal | undefined, model: ModelRecord): Promise<void> {
    if (!(await this.downloadDecision(principal, model))) throw gatedRepo(model, principal, await this.refusalHint(principal, model, 'download'));
  }

  /**
   * The same decision for a hosted call (the `inference` right instead of `download`): who may
   * download a model's files may call it, except that a grant counts only for the rights its
   * offer gives. Under a grant, licensing confirms the call (still active, seats, quotas).
   */
  async authorizeCall(principal: Principal | undefined, model: ModelRecord): Promise<AuthorizedCall> {
    if (!(await this.canRead(principal, model))) throw repoNotFound(model.fullName, model.kind);
    const decision = await this.downloadDecision(principal, model, 'inference');
    if (!decision) throw gatedRepo(model, principal, await this.refusalHint(principal, model, 'inference'), 'call it');
    const allowance = decision.via === 'grant' ? await this.grants!.confirmCall(principal!, model, decision.grant) : null;
    return { decision, allowance };
  }

  /**
   * Whether `principal` may call the model's deployments: `authorizeCall`'s decision without its
   * confirmation (no seat taken, no call counted), for pages that offer a Run button.
   */
  async mayCall(principal: Principal | undefined, model: ModelRecord): Promise<boolean> {
    return (await this.canRead(principal, model)) && (await this.downloadDecision(principal, model, 'inference')) !== null;
  }

  /** The decision without the refusal or the confirmation: null when the caller may not download (the access-status route), or call. */
  async downloadDecision(principal: Principal | undefined, model: ModelRecord, right: AccessRight = 'download'): Promise<DownloadDecision | null> {
    if (!model.private && model.gated === 'none') return { via: 'public' };
    if ((await this.roleIn(principal, model)) !== null) return { via: 'member' };
    if (model.private || !principal || !this.grants) return null;
    const grant = await this.grants.findActiveGrant(principal, model, right);
    return grant ? { via: 'grant', grant } : null;
  }

  /** How to get access; names the caller's grant when it exists but lacks the right asked for. */
  private async refusalHint(principal: Principal | undefined, model: ModelRecord, right: AccessRight): Promise<string | undefined> {
    if (!this.grants) return undefined;
    const other = principal && !model.private ? await this.grants.findActiveGrant(principal, model, right === 'download' ? 'inference' : 'download') : null;
    const how = this.grants.howToRequestAccess(model);
    if (!other) return how;
    return right === 'download'
      ? `Your licence grant ${other.id} allows hosted inference only: call the model's deployments through /v2/models/${model.namespace}--${model.name}/infer; its files cannot be downloaded. ${how}`
      : `Your licence grant ${other.id} allows downloads only, not hosted calls. ${how}`;
  }

  /**
   * Whether `principal` may create models in a namespace (membership and `write`): used before a
   * model exists. `namespace` as `NamespaceRepository.findByName` returns it.
   */
  async assertCanCreateIn(
    principal: Principal | undefined,
    namespace: { name: string; kind: 'user' | 'org'; userId?: string; organizationId?: string },
  ): Promise<void> {
    if (!principal) throw HubException.unauthorized();
    this.assertWriteScope(principal);
    const role = (await this.orgAccess.memberships(principal)).roleIn({
      ownerUserId: namespace.kind === 'user' ? namespace.userId! : null,
      ownerOrgId: namespace.organizationId ?? null,
    });
    if (role === null) {
      this.orgAccess.assertTokenMayActFor(principal, namespace.organizationId ?? null);
      throw HubException.forbidden(
        namespace.kind === 'user'
          ? `You cannot create models in '${namespace.name}': it is another user's namespace`
          : `You cannot create models in '${namespace.name}': you are not a member of that organization`,
        'not_namespace_member',
      );
    }
  }

  private async requireRole(principal: Principal | undefined, model: ModelRecord, minimum: OrgRole, action: string): Promise<void> {
    if (!principal) throw HubException.unauthorized();
    const role = await this.roleIn(principal, model);
    if (role === null && model.private) throw repoNotFound(model.fullName, model.kind);
    this.assertWriteScope(principal);
    if (role === null) {
      // A restricted token gets the specific reason; otherwise the caller is simply not a member.
      this.orgAccess.assertTokenMayActFor(principal, model.ownerOrgId);
      throw HubException.forbidden(`You cannot ${action} ${model.fullName}: you are not a member of '${model.namespace}'`, 'not_namespace_member');
    }
    if (!roleAtLeast(role, minimum)) {
      throw HubException.forbidden(`You cannot ${action} ${model.fullName}: this needs the '${minimum}' role in '${model.namespace}'`, 'insufficient_role');
    }
  }

  private assertWriteScope(principal: Principal): void {
    if (!hasScope(principal, 'write')) {
      throw HubException.forbidden("This action needs a token with the 'write' scope", 'insufficient_scope');
    }
  }

  /** The caller's role in the model's namespace (OrgAccessService.memberships: the one visibility rule). Null: not a member. */
  private async roleIn(principal: Principal | undefined, model: ModelRecord): Promise<OrgRole | null> {
    return (await this.orgAccess.memberships(principal)).roleIn(model);
  }
}

export const repoNotFound = (fullName: string, kind: RepoKind = 'model') =>
  HubException.notFound(
    `Repository Not Found for ${kind} ${fullName}: it does not exist, or it is private and you are not a member of its namespace. ` +
      `If the ${kind} is private, make sure you are authenticated with a token of a member.`,
    'repo_not_found',
    'RepoNotFound',
  );

/** 401 (anonymous) or 403 `GatedRepo` for a gated model's files; `how` says how to ask for access. */
export function gatedRepo(model: ModelRecord, principal: Principal | undefined, how?: string, action = 'download its files'): HubException {
  const hint = how ?? `Its files are available to members of '${model.namespace}'; ask an administrator of '${model.namespace}' for access.`;
  if (!principal) {
    return new HubException(
      HttpStatus.UNAUTHORIZED,
      'gated_repo',
      `Access to ${model.kind} ${model.fullName} is restricted: it is gated and you must be authenticated to ${action}. ${hint}`,
      {
        hfErrorCode: 'GatedRepo',
      },
    );
  }
  return new HubException(
    HttpStatus.FORBIDDEN,
    'gated_repo',
    `Access to ${model.kind} ${model.fullName} is restricted: it is gated and you are not in the authorized list. ${hint}`,
    {
      hfErrorCode: 'GatedRepo',
    },
  );
}
