import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { HubException } from '../common/hub-exception';
import { ModelAccessService, repoNotFound } from './model-access.service';
import type { ModelRecord } from './model.repository';
import { DEFAULT_PROPOSAL_SETTINGS, ProposalSettings, ProposalSettingsRepository } from './proposal-settings.repository';

/** The pull request as the rules below need it. */
export interface PullRequestParty {
  number: number;
  authorId: string | null;
  status: 'draft' | 'open' | 'closed' | 'merged';
}

/**
 * Who may propose changes to a model and push to a proposal's `refs/pr/N`: the rules beside
 * ModelAccessService (which still decides read, write and download).
 *
 * - Propose (open a pull request or a discussion, comment): anyone signed in with a `write`
 *   token who can read the model, no membership needed; an organization narrows it with its
 *   proposal setting (`anyone`, `verified_organizations`: members of a verified organization,
 *   `members`: its own members only), refusals 403 `proposals_restricted`. Members always may.
 * - Push to `refs/pr/N`: the pull request's author and the model's members, with `write`; others
 *   403 `not_proposal_author`. A merged or closed pull request takes no more commits (409).
 * - Bytes: a proposer who may not download the model (gated, no grant) may name only bytes they
 *   uploaded themselves: no copies from the model, no LFS objects they did not upload (403
 *   `bytes_not_downloadable`); a proposal never opens a gated model's files to its author.
 */
@Injectable()
export class ProposalAccessService {
  constructor(
    private readonly access: ModelAccessService,
    private readonly settings: ProposalSettingsRepository,
  ) {}

  /** The organization's proposal settings (defaults for a user's model). */
  settingsFor(model: ModelRecord): Promise<ProposalSettings> {
    return model.ownerOrgId ? this.settings.find(model.ownerOrgId) : Promise.resolve(DEFAULT_PROPOSAL_SETTINGS);
  }

  /** Whether `principal` may open a proposal on (or comment on) a model they can read; throws 401/403/404. */
  async assertMayPropose(principal: Principal | undefined, model: ModelRecord): Promise<void> {
    if (!(await this.access.canRead(principal, model))) throw repoNotFound(model.fullName, model.kind);
    this.access.assertSignedInWithWrite(principal);
    if (await this.access.isMember(principal, model)) return;
    const { whoMayPropose } = await this.settingsFor(model);
    if (whoMayPropose === 'members') {
      throw HubException.forbidden(`Only members of '${model.namespace}' may propose changes to ${model.fullName}`, 'proposals_members_only');
    }
    if (whoMayPropose === 'verified_organizations' && !(await this.settings.isMemberOfVerifiedOrg(principal.userId))) {
      throw HubException.forbidden(
        `Only members of verified organizations may propose changes to ${model.fullName}: join a verified organization, or ask '${model.namespace}' to open proposals to anyone`,
        'proposals_verified_organizations_only',
      );
    }
  }

  /** Whether `principal` may push to the pull request's `refs/pr/N`. */
  async assertMayPush(principal: Principal | undefined, model: ModelRecord, pr: PullRequestParty): Promise<void> {
    this.access.assertSignedInWithWrite(principal);
    const member = await this.access.isMember(principal, model);
    if (!member && pr.authorId !== principal.userId) {
      if (!(await this.access.canRead(principal, model))) throw repoNotFound(model.fullName, model.kind);
      throw HubException.forbidden(
        `Only the author of pull request #${pr.number} and members of '${model.namespace}' may push to refs/pr/${pr.number}`,
        'not_proposal_author',
      );
    }
    if (!member) await this.assertMayPropose(principal, model);
    if (pr.status === 'merged' || pr.status === 'closed') {
      throw HubException.conflict(`Pull request #${pr.number} is ${pr.status}: it takes no more commits`, `pull_request_${pr.status}`);
    }
  }

  /** Whether the proposer may reuse the model's own bytes (copies, LFS objects already in it): only when they may download it. */
  async mayReuseModelBytes(principal: Principal, model: ModelRecord): Promise<boolean> {
    return (await this.access.downloadDecision(principal, model)) !== null;
  }

  /** Members with `write` review and merge; others 401/403/404 as for a write. */
  async assertMayReview(principal: Principal | undefined, model: ModelRecord): Promise<void> {
    await this.access.assertCanWrite(principal, model);
  }
}
