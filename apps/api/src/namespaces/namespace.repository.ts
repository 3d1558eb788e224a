import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import { namespaceKey } from './namespace-rules';

export interface NamespaceOwner {
  id: string;
  name: string;
  kind: 'user' | 'org';
  userId?: string;
  organizationId?: string;
}

@Injectable()
export class NamespaceRepository {
  constructor(private readonly prisma: PrismaService) {}

  async isTaken(name: string): Promise<boolean> {
    return (await this.prisma.namespace.count({ where: { nameKey: namespaceKey(name) } })) > 0;
  }

  async findByName(name: string): Promise<NamespaceOwner | null> {
    const ns = await this.prisma.namespace.findUnique({
      where: { nameKey: namespaceKey(name) },
      include: { user: { select: { id: true } }, organization: { select: { id: true } } },
    });
    if (!ns) return null;
    return { id: ns.id, name: ns.name, kind: ns.kind, userId: ns.user?.id, organizationId: ns.organization?.id };
  }
}
