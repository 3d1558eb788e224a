import { Injectable } from '@nestjs/common';
import { CacheInvalidation } from '../cache/cache-invalidation.service';
import { tag } from '../cache/invalidation-events';
import type { MovingCache } from '../cache/moving-cache';
import { DeploymentRecord, DeploymentRepository } from './deployment.repository';

/**
 * The deployments that may serve calls (loading or ready), newest first, per model: read on every
 * call, so cached until a deployment of the model changes (DeploymentRepository publishes
 * `deployment`, on every replica) or the model does.
 */
@Injectable()
export class LiveDeployments {
  private readonly byModel: MovingCache<DeploymentRecord[]>;

  constructor(
    private readonly deployments: DeploymentRepository,
    invalidation: CacheInvalidation,
  ) {
    this.byModel = invalidation.movingCache('deployments', 10_000);
  }

  of(modelId: string): Promise<DeploymentRecord[]> {
    return this.byModel.get(
      modelId,
      async () => (await this.deployments.list(modelId)).filter((d) => d.state === 'ready' || d.state === 'loading'),
      () => [tag.deployment(modelId), tag.model(modelId)],
    );
  }
}
