import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';

/** Who may propose changes to an organization's models (ProposalAccessService applies it). */
export type ProposalAudience = 'anyone' | 'verified_organizations' | 'members';

export interface ProposalSettings {
  whoMayPropose: ProposalAudience;
  /** Approvals by members a pull request needs before it can be merged (0: none). */
  requiredApprovals: number;
}

export const DEFAULT_PROPOSAL_SETTINGS: ProposalSettings = { whoMayPropose: 'anyone', requiredApprovals: 0 };

@Injectable()
export class ProposalSettingsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async find(organizationId: string): Promise<ProposalSettings> {
    const row = await this.prisma.orgProposalSettings.findUnique({ where: { organizationId } });
    return row ? { whoMayPropose: row.whoMayPropose, requiredApprovals: row.requiredApprovals } : DEFAULT_PROPOSAL_SETTINGS;
  }

  async save(organizationId: string, settings: ProposalSettings): Promise<ProposalSettings> {
    const row = await this.prisma.orgProposalSettings.upsert({ where: { organizationId }, create: { organizationId, ...settings }, update: settings });
    return { whoMayPropose: row.whoMayPropose, requiredApprovals: row.requiredApprovals };
  }

  /** Whether the user belongs to at least one verified organization. */
  async isMemberOfVerifiedOrg(userId: string): Promise<boolean> {
    return (await this.prisma.membership.count({ where: { userId, organization: { verified: true } } })) > 0;
  }
}
