import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../database/prisma.service';

export interface OrgSecurityPolicy {
  blockDangerousPickles: boolean;
  updatedAt: Date | null;
}

@Injectable()
export class OrgSecurityPolicyRepository {
  constructor(private readonly prisma: PrismaService) {}

  async get(organizationId: string): Promise<OrgSecurityPolicy> {
    const p = await this.prisma.orgSecurityPolicy.findUnique({ where: { organizationId } });
    return { blockDangerousPickles: p?.blockDangerousPickles ?? false, updatedAt: p?.updatedAt ?? null };
  }

  async set(organizationId: string, policy: { blockDangerousPickles: boolean }, updatedById: string): Promise<OrgSecurityPolicy> {
    const p = await this.prisma.orgSecurityPolicy.upsert({
      where: { organizationId },
      create: { organizationId, ...policy, updatedById },
      update: { ...policy, updatedById },
    });
    return { blockDangerousPickles: p.blockDangerousPickles, updatedAt: p.updatedAt };
  }
}
