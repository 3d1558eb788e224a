import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { HubException } from '../common/hub-exception';
import { HUB_CONFIG, ResolvedHubConfig } from '../config/hub-config';
import { ModelAccessService } from '../models/model-access.service';
import type { ModelRecord } from '../models/model.repository';
import { TreeService } from '../repo-history/tree.service';
import { VersionsService } from '../repo-history/versions.service';
import { DeploymentLimits, DeploymentRecord, DeploymentRepository, RecentCalls } from './deployment.repository';
import type { CreateDeploymentDto, DeploymentConfigDto } from './dto/deployment.dto';
import { EmbeddedBackend } from './embedded-backend.service';
import { InferenceSecretBox } from './inference-secret-box';
import { remoteTargetProblem } from './remote-target';

export const DEFAULT_LIMITS: DeploymentLimits = { concurrency: 2, queue: 16, timeoutMs: 30_000, maxRequestBytes: 8 * 1024 * 1024 };

export interface DeploymentInfo {
  id: string;
  model: string;
  version: string;
  commitId: string;
  backend: 'embedded' | 'remote';
  state: string;
  failureReason: string | null;
  file: string | null;
  limits: DeploymentLimits;
  signature: DeploymentRecord['signature'];
  remote: { url: string; model: string; credential: boolean } | null;
  /** Calls of the last hour and how many failed; p50/p95 latency of the last 100 answered calls. */
  recent: RecentCalls;
  endpoint: string;
  /** Whether the caller may call the model's deployments (ModelAccessService.mayCall; whether this one serves says `state`). */
  mayCall: boolean;
  createdAt: string;
  updatedAt: string;
}

/** OIP's `{model}` for a model: `ns--name` (names never contain `--`). */
export const oipModelName = (model: Pick<ModelRecord, 'namespace' | 'name'>) => `${model.namespace}--${model.name}`;

/**
 * Deployments (docs/inference.md): a model's administrators serve one immutable version on a
 * backend; at most one deployment per version and backend. Embedded deployments load at once in
 * the background (state `loading`, then `ready` with their signature or `failed` with the reason);
 * every hub process loads them again on its first call.
 */
@Injectable()
export class DeploymentsService {
  private readonly logger = new Logger(DeploymentsService.name);

  constructor(
    @Inject(HUB_CONFIG) private readonly config: ResolvedHubConfig,
    private readonly access: ModelAccessService,
    private readonly deployments: DeploymentRepository,
    private readonly versions: VersionsService,
    private readonly tree: TreeService,
    private readonly embedded: EmbeddedBackend,
    private readonly secrets: InferenceSecretBox,
  ) {}

  async create(principal: Principal, namespace: string, name: string, dto: CreateDeploymentDto): Promise<DeploymentInfo> {
    const model = await this.adminModel(principal, namespace, name);
    const version = await this.versions.get(model, dto.version);
    const config = dto.config ?? {};
    const limits = limitsOf(config);
    const embedded = dto.backend === 'embedded';
    const created = await this.deployments.create({
      modelId: model.id,
      versionName: version.name,
      commitId: version.commitId,
      backend: dto.backend,
      state: embedded ? 'loading' : 'ready',
      filePath: embedded ? await this.onnxFile(model, version.commitId, config.file) : null,
      limits,
      remote: embedded ? null : await this.remoteOf(config),
      createdById: principal.userId,
    });
    if (!created) throw HubException.conflict(`${model.fullName} already has a ${dto.backend} deployment of version ${version.name}`, 'deployment_exists');
    if (embedded) void this.loadInBackground(model, created);
    return this.present(model, created, true);
  }

  async list(principal: Principal | undefined, namespace: string, name: string): Promise<DeploymentInfo[]> {
    const model = await this.access.findReadable(principal, namespace, name, 'model');
    const [rows, mayCall] = await Promise.all([this.deployments.list(model.id), this.access.mayCall(principal, model)]);
    const latency = await this.deployments.recentLatency(
      rows.map((r) => r.id),
      new Date(Date.now() - 3_600_000),
    );
    return rows.map((r) => this.present(model, r, mayCall, latency.get(r.id)));
  }

  async get(principal: Principal | undefined, namespace: string, name: string, id: string): Promise<DeploymentInfo> {
    const model = await this.access.findReadable(principal, namespace, name, 'model');
    const d = await this.require(model, id);
    const [latency, mayCall] = await Promise.all([
      this.deployments.recentLatency([d.id], new Date(Date.now() - 3_600_000)),
      this.access.mayCall(principal, model),
    ]);
    return this.present(model, d, mayCall, latency.get(d.id));
  }

  async stop(principal: Principal, namespace: string, name: string, id: string): Promise<DeploymentInfo> {
    const model = await this.adminModel(principal, namespace, name);
    const d = await this.require(model, id);
    await this.deployments.setState(d, 'stopped');
    this.embedded.unload(d.id);
    return this.present(model, { ...d, state: 'stopped' }, true);
  }

  async delete(principal: Principal, namespace: string, name: string, id: string): Promise<void> {
    const model = await this.adminModel(principal, namespace, name);
    const d = await this.require(model, id);
    await this.deployments.delete(d);
    this.embedded.unload(d.id);
  }

  private async adminModel(principal: Principal, namespace: string, name: string): Promise<ModelRecord> {
    const model = await this.access.findReadable(principal, namespace, name, 'model');
    await this.access.assertCanAdmin(principal, model);
    return model;
  }

  private async require(model: ModelRecord, id: string): Promise<DeploymentRecord> {
    const d = /^[0-9a-f-]{36}$/i.test(id) ? await this.deployments.find(model.id, id) : null;
    if (!d) throw HubException.notFound(`${model.fullName} has no deployment ${id}`, 'deployment_not_found');
    return d;
  }

  /** The .onnx file to serve: the one named, or the version's only one. */
  private async onnxFile(model: ModelRecord, commitId: string, named: string | undefined): Promise<string> {
    const onnx = (await this.tree.allPaths(commitId)).filter((p) => p.toLowerCase().endsWith('.onnx'));
    if (named !== undefined) {
      if (!onnx.includes(named))
        throw HubException.badRequest('invalid_deployment', `config.file: the version has no .onnx file ${named} (it has: ${onnx.join(', ') || 'none'})`);
      return named;
    }
    if (onnx.length === 1) return onnx[0];
    throw HubException.badRequest(
      'invalid_deployment',
      onnx.length
        ? `config.file: the version has several .onnx files (${onnx.join(', ')}); name the one to serve`
        : `The version has no .onnx file for the embedded backend`,
    );
  }

  private async remoteOf(config: DeploymentConfigDto): Promise<{ url: string; model: string; sealedCredential: string | null }> {
    if (!config.url || !config.model) throw HubException.badRequest('invalid_deployment', 'A remote deployment needs config.url and config.model');
    const problem = remoteTargetProblem(config.url, this.config.inference.allowedTargets);
    if (problem) throw HubException.badRequest('invalid_deployment', problem);
    return {
      url: config.url.replace(/\/+$/, ''),
      model: config.model,
      sealedCredential: config.credential ? await this.secrets.seal(config.credential) : null,
    };
  }

  private async loadInBackground(model: ModelRecord, d: DeploymentRecord): Promise<void> {
    try {
      await this.deployments.setLoaded(d, { signature: await this.embedded.load(model, d) });
    } catch (e) {
      this.logger.warn(`Deployment ${d.id} of ${model.fullName} failed to load: ${(e as Error).message}`);
      await this.deployments.setLoaded(d, { failure: (e as Error).message }).catch(() => undefined);
    }
  }

  private present(model: ModelRecord, d: DeploymentRecord, mayCall: boolean, recent: RecentCalls = NO_CALLS): DeploymentInfo {
    return {
      id: d.id,
      model: model.fullName,
      version: d.versionName,
      commitId: d.commitId,
      backend: d.backend,
      state: d.state,
      failureReason: d.failureReason,
      file: d.filePath,
      limits: d.limits,
      signature: d.signature,
      remote: d.remote && { url: d.remote.url, model: d.remote.model, credential: d.remote.sealedCredential !== null },
      recent,
      endpoint: `/v2/models/${oipModelName(model)}/versions/${encodeURIComponent(d.versionName)}/infer`,
      mayCall,
      createdAt: d.createdAt.toISOString(),
      updatedAt: d.updatedAt.toISOString(),
    };
  }
}

const NO_CALLS: RecentCalls = { calls: 0, errors: 0, p50Ms: null, p95Ms: null, lastCallAt: null };

function limitsOf(c: DeploymentConfigDto): DeploymentLimits {
  return {
    concurrency: c.concurrency ?? DEFAULT_LIMITS.concurrency,
    queue: c.queue ?? DEFAULT_LIMITS.queue,
    timeoutMs: c.timeoutMs ?? DEFAULT_LIMITS.timeoutMs,
    maxRequestBytes: c.maxRequestBytes ?? DEFAULT_LIMITS.maxRequestBytes,
  };
}
