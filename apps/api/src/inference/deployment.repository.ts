import { Injectable } from '@nestjs/common';
import { CacheInvalidation } from '../cache/cache-invalidation.service';
import { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../database/prisma.service';
import type { DeploymentBackend } from './dto/deployment.dto';
import type { Signature } from './onnx-session-cache';

export type DeploymentState = 'loading' | 'ready' | 'failed' | 'stopped';

export interface DeploymentLimits {
  concurrency: number;
  queue: number;
  timeoutMs: number;
  maxRequestBytes: number;
}

export interface DeploymentRecord {
  id: string;
  modelId: string;
  versionName: string;
  commitId: string;
  backend: DeploymentBackend;
  state: DeploymentState;
  failureReason: string | null;
  filePath: string | null;
  limits: DeploymentLimits;
  signature: Signature | null;
  remote: { url: string; model: string; sealedCredential: string | null } | null;
  createdAt: Date;
  updatedAt: Date;
}

type Row = Prisma.DeploymentGetPayload<object>;

const toRecord = (r: Row): DeploymentRecord => ({
  id: r.id,
  modelId: r.modelId,
  versionName: r.versionName,
  commitId: r.commitId,
  backend: r.backend,
  state: r.state,
  failureReason: r.failureReason,
  filePath: r.filePath,
  limits: r.limits as unknown as DeploymentLimits,
  signature: r.signature as unknown as Signature | null,
  remote: r.remoteUrl && r.remoteModel ? { url: r.remoteUrl, model: r.remoteModel, sealedCredential: r.remoteCredential } : null,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

export interface NewDeployment {
  modelId: string;
  versionName: string;
  commitId: string;
  backend: DeploymentBackend;
  state: DeploymentState;
  filePath: string | null;
  limits: DeploymentLimits;
  remote: { url: string; model: string; sealedCredential: string | null } | null;
  createdById: string;
}

@Injectable()
export class DeploymentRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly invalidation: CacheInvalidation,
  ) {}

  /** Null when the model already has a deployment of this version on this backend. */
  async create(d: NewDeployment): Promise<DeploymentRecord | null> {
    try {
      const row = await this.prisma.deployment.create({
        data: {
          modelId: d.modelId,
          versionName: d.versionName,
          commitId: d.commitId,
          backend: d.backend,
          state: d.state,
          filePath: d.filePath,
          limits: d.limits as unknown as Prisma.InputJsonObject,
          remoteUrl: d.remote?.url ?? null,
          remoteModel: d.remote?.model ?? null,
          remoteCredential: d.remote?.sealedCredential ?? null,
          createdById: d.createdById,
        },
      });
      await this.changed(d.modelId);
      return toRecord(row);
    } catch (e) {
      if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002') return null;
      throw e;
    }
  }

  async find(modelId: string, id: string): Promise<DeploymentRecord | null> {
    const row = await this.prisma.deployment.findFirst({ where: { id, modelId } });
    return row ? toRecord(row) : null;
  }

  /** Newest first. */
  async list(modelId: string): Promise<DeploymentRecord[]> {
    return (await this.prisma.deployment.findMany({ where: { modelId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] })).map(toRecord);
  }

  /** Records the outcome of a load: ready with the signature, or failed with the reason (a stopped deployment stays stopped). */
  async setLoaded(d: Pick<DeploymentRecord, 'id' | 'modelId'>, outcome: { signature: Signature } | { failure: string }): Promise<void> {
    await this.prisma.deployment.updateMany({
      where: { id: d.id, state: { in: ['loading', 'ready'] } },
      data:
        'signature' in outcome
          ? { state: 'ready', signature: outcome.signature as unknown as Prisma.InputJsonObject, failureReason: null }
          : { state: 'failed', failureReason: outcome.failure },
    });
    await this.changed(d.modelId);
  }

  async setState(d: Pick<DeploymentRecord, 'id' | 'modelId'>, state: DeploymentState): Promise<void> {
    await this.prisma.deployment.update({ where: { id: d.id }, data: { state } });
    await this.changed(d.modelId);
  }

  async delete(d: Pick<DeploymentRecord, 'id' | 'modelId'>): Promise<void> {
    await this.prisma.deployment.deleteMany({ where: { id: d.id } });
    await this.changed(d.modelId);
  }

  /** Every replica drops its cached deployments of the model (LiveDeployments). */
  private changed(modelId: string): Promise<void> {
    return this.invalidation.publish(this.prisma, 'deployment', { modelId });
  }

  /**
   * Per deployment: calls and errors of the last `since`, and p50/p95 latency of its last
   * `lastCalls` calls (the figures the model page shows).
   */
  async recentLatency(ids: string[], since: Date, lastCalls = 100): Promise<Map<string, RecentCalls>> {
    if (!ids.length) return new Map();
    const rows = await this.prisma.$queryRaw<
      { deployment_id: string; calls: bigint; errors: bigint; p50: number | null; p95: number | null; last: Date | null }[]
    >`
      SELECT d.id AS deployment_id, w.calls, w.errors, l.p50, l.p95, l.last
      FROM unnest(${ids}::uuid[]) AS d(id)
      CROSS JOIN LATERAL (SELECT count(*) AS calls, count(*) FILTER (WHERE status >= 400) AS errors
                          FROM inference_calls WHERE deployment_id = d.id AND at >= ${since}) w
      CROSS JOIN LATERAL (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50,
                                 percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95, max(at) AS last
                          FROM (SELECT latency_ms, at FROM inference_calls WHERE deployment_id = d.id AND status < 400
                                ORDER BY at DESC LIMIT ${lastCalls}) recent) l`;
    return new Map(
      rows.map((r) => [
        r.deployment_id,
        { calls: Number(r.calls), errors: Number(r.errors), p50Ms: r.p50, p95Ms: r.p95, lastCallAt: r.last?.toISOString() ?? null },
      ]),
    );
  }
}

export interface RecentCalls {
  /** Calls of the last hour, and how many failed. */
  calls: number;
  errors: number;
  /** Latency of the last (up to 100) answered calls. */
  p50Ms: number | null;
  p95Ms: number | null;
  lastCallAt: string | null;
}
