import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { HubException } from '../common/hub-exception';
import { HUB_CONFIG, ResolvedHubConfig } from '../config/hub-config';
import { JobQueueService } from '../jobs/job-queue.service';
import { ModelAccessService } from '../models/model-access.service';
import { ModelRecord, ModelRepository } from '../models/model.repository';
import { OrgAccessService } from '../orgs/org-access.service';
import { auditContext } from './audit-context';
import type { ListGrantsQuery } from './dto/licensing-queries.dto';
import { GrantRepository } from './grant.repository';
import { GrantRecord, grantStatus } from './licensing-records';
import { GrantInfo, presentGrant } from './licensing.presenter';
import { LicensingNotifier } from './licensing-notifier.service';
import type { RepoKind } from '../models/repo-kind';

export const GRANT_EXPIRY_QUEUE = 'licensing-grant-expiry';

/**
 * Grants: listed by both sides, revoked by the model's administrators, and announced before they
 * expire. A grant's status is computed when read (see grantStatus), so an expiry needs no job to
 * take effect; the scheduled job only sends the `grant.expiring` notices.
 */
@Injectable()
export class GrantsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Licensing');

  constructor(
    private readonly grants: GrantRepository,
    private readonly models: ModelRepository,
    private readonly access: ModelAccessService,
    private readonly orgAccess: OrgAccessService,
    private readonly notifier: LicensingNotifier,
    private readonly jobs: JobQueueService,
    @Inject(HUB_CONFIG) private readonly config: ResolvedHubConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.register(GRANT_EXPIRY_QUEUE, () => this.notifyExpiring(), { policy: 'singleton', retryLimit: 1 });
    if (this.jobs.enabled) await this.jobs.schedule(GRANT_EXPIRY_QUEUE, '*/15 * * * *');
  }

  /** held: grants the organization holds; issued: grants on its models. Members read. */
  async listForOrg(principal: Principal, orgName: string, q: ListGrantsQuery): Promise<GrantInfo[]> {
    const org = await this.orgAccess.findOrThrow(orgName);
    await this.orgAccess.requireRole(principal, org, 'member');
    const rows = await this.grants.list(q.direction === 'held' ? { granteeOrgId: org.id } : { modelOwnerOrgId: org.id });
    return this.present(rows, q.status);
  }

  /** Grants you hold yourself (not through an organization). */
  async listMine(principal: Principal): Promise<GrantInfo[]> {
    return this.present(await this.grants.list({ granteeUserId: principal.userId }));
  }

  /** Grants on one model: its administrators only. */
  async listForModel(principal: Principal, namespace: string, name: string, kind: RepoKind): Promise<GrantInfo[]> {
    const model = await this.access.findReadable(principal, namespace, name, kind);
    await this.access.assertCanAdmin(principal, model);
    return this.present(await this.grants.list({ modelId: model.id }));
  }

  /** Revokes an active grant at once: downloads authorized after this commits are refused. */
  async revoke(principal: Principal, id: string, reason: string): Promise<GrantInfo> {
    const grant = await this.grants.findById(id);
    const model = grant ? await this.models.findById(grant.modelId) : null;
    if (!grant || !model || !(await this.access.canRead(principal, model))) throw HubException.notFound(`Grant ${id} not found`, 'grant_not_found');
    await this.access.assertCanAdmin(principal, model);
    const result = await this.grants.revoke(id, principal.userId, reason.trim(), auditContext(principal, model, grant, grant.grantee));
    if ('notActive' in result) throw HubException.conflict(`Grant ${id} is already ${result.notActive}`, 'grant_not_active');
    await this.notifier.revoked(model, result.revoked);
    return presentGrant(result.revoked);
  }

  /** Sends one `grant.expiring` notice per grant ending within GRANT_EXPIRY_NOTICE_DAYS. */
  async notifyExpiring(): Promise<{ notified: number }> {
    const days = this.config.licensing.grantExpiryNoticeDays;
    if (!days) return { notified: 0 };
    const claimed = await this.grants.claimExpiring(new Date(Date.now() + days * 24 * 3600 * 1000));
    const models = new Map<string, ModelRecord | null>();
    for (const grant of claimed) {
      if (!models.has(grant.modelId)) models.set(grant.modelId, await this.models.findById(grant.modelId));
      const model = models.get(grant.modelId);
      if (model) await this.notifier.expiring(model, grant).catch((err) => this.logger.error({ err }, `grant.expiring notice for ${grant.id} failed`));
    }
    return { notified: claimed.length };
  }

  private present(rows: GrantRecord[], status?: GrantInfo['status']): GrantInfo[] {
    const now = new Date();
    return rows.filter((g) => !status || grantStatus(g, now) === status).map((g) => presentGrant(g, now));
  }
}
