import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { BlobService } from '../blobs/blob.service';
import { HUB_CONFIG, ResolvedHubConfig } from '../config/hub-config';
import type { ModelRecord } from '../models/model.repository';
import { TreeService } from '../repo-history/tree.service';
import { CallLimiters } from './call-limiter';
import type { DeploymentRecord } from './deployment.repository';
import { OnnxSessionCache, Signature } from './onnx-session-cache';
import { OnnxWorkerPool, RawTensor, WorkerSession } from './onnx-worker-pool';
import type { InferRequest } from './oip-request';
import { decodeInput, encodeOutput, OipTensor } from './tensor-codec';
import { wantsBinary } from './binary-tensors';
import { HubException } from '../common/hub-exception';

/**
 * The embedded backend: onnxruntime-node on CPU, its sessions in worker threads (onnx-worker-pool.ts),
 * so the event loop stays free for other requests while a model computes (bench/inference measures
 * /healthz while saturated); what runs on the loop is turning the request's tensors into typed
 * arrays and the outputs back (one copy each with the binary tensor extension).
 */
@Injectable()
export class EmbeddedBackend implements OnModuleDestroy {
  private readonly cache: OnnxSessionCache;
  private readonly pool: OnnxWorkerPool;

  constructor(
    @Inject(HUB_CONFIG) config: ResolvedHubConfig,
    private readonly tree: TreeService,
    private readonly blobs: BlobService,
    private readonly limiters: CallLimiters,
  ) {
    this.pool = new OnnxWorkerPool(config.inference.workers, {
      intraOpNumThreads: config.inference.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    this.cache = new OnnxSessionCache(config.inference.memoryBytes, this.pool);
  }

  get memory(): { models: number; bytes: number } {
    return { models: this.cache.size, bytes: this.cache.usedBytes };
  }

  /** Loads the deployment's model (or finds it loaded) and returns its signature. */
  load(model: ModelRecord, deployment: DeploymentRecord): Promise<Signature> {
    return this.cache.load(deployment.id, () => this.readModel(model, deployment));
  }

  unload(deploymentId: string): void {
    this.cache.evict(deploymentId);
    this.limiters.forget(deploymentId);
  }

  /** Runs one infer request under the deployment's limits; outputs as OIP tensors, and the model's own run time. */
  async infer(model: ModelRecord, deployment: DeploymentRecord, request: InferRequest): Promise<{ outputs: OipTensor[]; runMs: number }> {
    return this.limiters.of(deployment).run(() =>
      this.cache.with(
        deployment.id,
        () => this.readModel(model, deployment),
        (session, signature) => run(session, signature, request),
      ),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.cache.close();
    await this.pool.close();
  }

  private async readModel(model: ModelRecord, d: DeploymentRecord): Promise<Buffer> {
    const file = await this.tree.getFile(model, d.commitId, d.filePath!);
    const bytes = await this.blobs.readPrefix(file.blobSha256, Number(file.size));
    if (!bytes) throw new Error(`The bytes of ${d.filePath} (${file.blobSha256}) are missing from storage`);
    return bytes;
  }
}

async function run(session: WorkerSession, signature: Signature, request: InferRequest): Promise<{ outputs: OipTensor[]; runMs: number }> {
  const feeds: Record<string, RawTensor> = {};
  const given = new Map(request.inputs.map((t) => [t.name, t]));
  for (const spec of signature.inputs) {
    const input = given.get(spec.name);
    if (!input)
      throw HubException.badRequest(
        'missing_input',
        `Input tensor '${spec.name}' is missing (the model takes ${signature.inputs.map((i) => i.name).join(', ')})`,
      );
    feeds[spec.name] = decodeInput(input, spec);
    given.delete(spec.name);
  }
  const [unknown] = given.keys();
  if (unknown !== undefined)
    throw HubException.badRequest(
      'unknown_input',
      `Input tensor '${unknown}' is not an input of the model (it takes ${signature.inputs.map((i) => i.name).join(', ')})`,
    );
  const outputNames = signature.outputs.map((o) => o.name);
  const wanted = request.outputs?.map((o) => o.name) ?? outputNames;
  const bad = wanted.find((n) => !outputNames.includes(n));
  if (bad !== undefined) throw HubException.badRequest('unknown_output', `Output '${bad}' is not an output of the model (it has ${outputNames.join(', ')})`);
  let results: { outputs: Record<string, RawTensor>; runMs: number };
  try {
    results = await session.run(feeds, wanted);
  } catch (e) {
    // onnxruntime refuses inputs the signature cannot express (e.g. dimensions that do not fit a node): the caller's to fix.
    throw HubException.badRequest('inference_failed', `The model could not run on these inputs: ${(e as Error).message}`);
  }
  return { outputs: wanted.map((name) => encodeOutput(name, results.outputs[name], wantsBinary(request, name))), runMs: results.runMs };
}
