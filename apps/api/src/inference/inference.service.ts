import { HttpStatus, Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../common/auth/principal';
import { HubException } from '../common/hub-exception';
import { rateLimitHeaders } from '../licensing/grant-access.service';
import type { CallAllowance, DownloadDecision } from '../models/download-grant.port';
import { ModelAccessService } from '../models/model-access.service';
import type { ModelRecord } from '../models/model.repository';
import { CallMeter } from './call-meter.service';
import type { DeploymentRecord } from './deployment.repository';
import { EmbeddedBackend } from './embedded-backend.service';
import { binaryAnswer, headerLength, INFER_HEADER_LENGTH } from './binary-tensors';
import { LiveDeployments } from './live-deployments';
import { JsonParsePool, OFF_LOOP_JSON_BYTES } from './json-parse-pool';
import { parseInferRequest, parseLargeInferRequest } from './oip-request';
import { RemoteBackend } from './remote-backend.service';
import { readLimitedBody } from './request-body';
import type { TensorSpec } from './tensor-codec';

/** A call the decision allowed, about to read its body and run. */
export interface PreparedCall {
  model: ModelRecord;
  deployment: DeploymentRecord;
  principal: Principal | undefined;
  /** Null for a call the decision refused (it is recorded all the same). */
  decision: DownloadDecision | null;
  allowance: CallAllowance | null;
  startedAt: number;
  /** X-RateLimit-* of the grant's quota, for the answer (empty without a quota). */
  headers: Record<string, string>;
}

export interface CallAnswer {
  status: number;
  contentType: string;
  body: Buffer;
  /** Set when the answer carries binary tensors: the length of its JSON header. */
  headerLength?: number;
  /** Where the backend's own time went: the model's run (embedded) or the upstream's round trip (remote). */
  backendTiming: { metric: 'model' | 'upstream'; ms: number };
}

export interface ModelMetadata {
  name: string;
  versions: string[];
  platform: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

const deploymentNotFound = (model: string, version?: string) =>
  HubException.notFound(
    version ? `Model ${model} has no running deployment of version ${version}` : `Model ${model} has no running deployment`,
    'deployment_not_found',
  );

/**
 * Open Inference Protocol calls (docs/inference.md): `{model}` names a model as `ns--name` or
 * `ns/name` (URL-encoded), `{version}` a version with a deployment. Every call is authorized by
 * the download decision for the `inference` right (ModelAccessService.authorizeCall: grants,
 * seats, quotas), run by the deployment's backend under its limits, and recorded by the meter
 * before its answer goes out.
 */
@Injectable()
export class InferenceService {
  constructor(
    private readonly access: ModelAccessService,
    private readonly deployments: LiveDeployments,
    private readonly embedded: EmbeddedBackend,
    private readonly remote: RemoteBackend,
    private readonly meter: CallMeter,
    private readonly json: JsonParsePool,
  ) {}

  async metadata(principal: Principal | undefined, modelParam: string, version?: string): Promise<ModelMetadata> {
    const { model, deployment, all } = await this.resolve(principal, modelParam, version);
    const signature = deployment.signature ?? (deployment.backend === 'embedded' ? await this.embedded.load(model, deployment) : null);
    return {
      name: modelParam,
      versions: [...new Set(all.map((d) => d.versionName))],
      platform: deployment.backend === 'embedded' ? 'onnxruntime_onnx' : 'remote',
      inputs: signature?.inputs ?? [],
      outputs: signature?.outputs ?? [],
    };
  }

  async ready(principal: Principal | undefined, modelParam: string, version?: string): Promise<boolean> {
    const { deployment } = await this.resolve(principal, modelParam, version);
    return deployment.state === 'ready';
  }

  /**
   * Finds the deployment and authorizes the call (the body is not read yet: a refused caller sends
   * nothing through). A refusal (401, 403, 429) is recorded as a call with its status, under the
   * grant it was refused under if any; a model the caller may not see is not (404, nothing to tell).
   */
  private async prepare(principal: Principal | undefined, modelParam: string, version: string | undefined, requestBytes: number): Promise<PreparedCall> {
    const { model, deployment } = await this.resolve(principal, modelParam, version);
    const startedAt = performance.now();
    try {
      const { decision, allowance } = await this.access.authorizeCall(principal, model);
      return { model, deployment, principal, decision, allowance, startedAt, headers: allowance?.quota ? rateLimitHeaders(allowance.quota) : {} };
    } catch (e) {
      if (!(e instanceof HubException)) throw e;
      // Who was refused: the grant that a quota or seat limit refused still names the licensee.
      const decision = principal ? await this.access.downloadDecision(principal, model, 'inference').catch(() => null) : null;
      // Nothing is served on a refusal: should the record fail, the caller still gets the refusal, not a 500.
      await this.record({ model, deployment, principal, decision, allowance: null, startedAt, headers: {} }, e.getStatus(), requestBytes, 0).catch(
        () => undefined,
      );
      throw e;
    }
  }

  /**
   * `POST .../infer` whole: authorized before its body is read (under the deployment's limit),
   * run, recorded, then answered. Written with writeHead/end: no ETag of the answer's bytes (a
   * POST's answer is never revalidated), nothing else the framework adds per call.
   */
  async serve(principal: Principal | undefined, modelParam: string, version: string | undefined, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const declared = req.headers['content-length'];
    const declaredBytes = Number(declared ?? 0);
    const call = await this.prepare(principal, modelParam, version, declaredBytes);
    // The quota headers go on every answer of the call, its errors included.
    for (const [name, value] of Object.entries(call.headers)) res.setHeader(name, value);
    let body: Buffer;
    try {
      body = await readLimitedBody(req, declared, call.deployment.limits.maxRequestBytes);
    } catch (e) {
      // A refusal after the call was authorized (its body too large): recorded as an error of the call.
      if (e instanceof HubException) await this.record(call, e.getStatus(), declaredBytes, 0);
      throw e;
    }
    const answer = await this.run(call, body, headerLength(req.headers[INFER_HEADER_LENGTH], body.length));
    const headers: Record<string, string | number> = {
      'Content-Type': answer.contentType,
      'Content-Length': answer.body.length,
      'Server-Timing': serverTiming(answer.backendTiming, performance.now() - call.startedAt),
    };
    if (answer.headerLength !== undefined) headers['Inference-Header-Content-Length'] = answer.headerLength;
    res.writeHead(answer.status, headers).end(answer.body);
  }

  /** Runs the call and records it (the answer, or the error it throws) before returning. */
  private async run(call: PreparedCall, body: Buffer, headerLength: number | undefined): Promise<CallAnswer> {
    const requestBytes = body.length; // before execute: a large JSON body moves to the parsing thread
    let answer: CallAnswer;
    try {
      answer = await this.execute(call, body, headerLength);
    } catch (e) {
      const status = e instanceof HubException ? e.getStatus() : HttpStatus.INTERNAL_SERVER_ERROR;
      await this.record(call, status, requestBytes, 0);
      throw e;
    }
    await this.record(call, answer.status, requestBytes, answer.body.length);
    return answer;
  }

  private async execute(call: PreparedCall, body: Buffer, headerLength: number | undefined): Promise<CallAnswer> {
    const { model, deployment } = call;
    if (deployment.backend === 'remote') {
      const { upstreamMs, ...answer } = await this.remote.infer(deployment, body, headerLength);
      return { ...answer, backendTiming: { metric: 'upstream', ms: upstreamMs } };
    }
    const request =
      headerLength === undefined && body.length >= OFF_LOOP_JSON_BYTES ? await parseLargeInferRequest(body, this.json) : parseInferRequest(body, headerLength);
    const { outputs, runMs } = await this.embedded.infer(model, deployment, request);
    const backendTiming = { metric: 'model', ms: runMs } as const;
    const header = {
      model_name: oipName(model),
      model_version: deployment.versionName,
      ...(request.id !== undefined ? { id: request.id } : {}),
      outputs,
    };
    const binary = new Map(outputs.filter((o) => o.binary).map((o) => [o.name, o.binary!]));
    if (!binary.size) return { status: 200, contentType: 'application/json; charset=utf-8', body: Buffer.from(JSON.stringify(header)), backendTiming };
    for (const o of outputs) delete o.binary;
    const answer = binaryAnswer(header, binary);
    return { status: 200, contentType: 'application/octet-stream', body: answer.body, headerLength: answer.headerLength, backendTiming };
  }

  private record(call: PreparedCall, status: number, requestBytes: number, responseBytes: number): Promise<void> {
    const grant = call.decision?.via === 'grant' ? call.decision.grant : null;
    return this.meter.record({
      at: new Date(),
      deploymentId: call.deployment.id,
      modelId: call.model.id,
      modelName: call.model.fullName,
      publisherOrgId: call.model.ownerOrgId,
      versionName: call.deployment.versionName,
      callerUserId: call.principal?.userId ?? null,
      callerName: call.principal?.username ?? null,
      via: call.decision?.via ?? 'refused',
      grantId: grant?.id ?? null,
      offerId: grant?.offerId ?? null,
      termsVersion: grant?.termsVersion ?? null,
      licenseeOrgId: grant?.granteeOrgId ?? null,
      licenseeUserId: grant?.granteeUserId ?? null,
      licenseeName: grant?.granteeName ?? null,
      status,
      latencyMs: performance.now() - call.startedAt,
      requestBytes,
      responseBytes,
      price: call.allowance?.pricePerCall ?? null,
    });
  }

  /** The model (404 as for files when hidden) and the deployment that serves the call: the version's, or the newest running one. */
  private async resolve(principal: Principal | undefined, modelParam: string, version?: string) {
    const [namespace, name] = splitModelParam(modelParam);
    // Both cached (every change drops them on every replica): a call makes no query to find its deployment.
    const model = await this.access.findReadableForFiles(principal, namespace, name, 'model');
    const all = await this.deployments.of(model.id);
    const deployment = all.find((d) => version === undefined || d.versionName === version);
    if (!deployment) throw deploymentNotFound(model.fullName, version);
    return { model, deployment, all };
  }
}

/**
 * `Server-Timing` of an answer (W3C Server Timing): the backend's own time and the hub's whole
 * time from the call's authorization to its answer, the record's commit included; the hub's own
 * share is the difference (docs/inference.md).
 */
const serverTiming = (backend: CallAnswer['backendTiming'], totalMs: number) =>
  `${backend.metric};dur=${backend.ms.toFixed(3)}, total;dur=${totalMs.toFixed(3)}`;

const oipName = (model: ModelRecord) => `${model.namespace}--${model.name}`;

/** `ns--name` or `ns/name` (Express has decoded `%2F` already). */
export function splitModelParam(param: string): [string, string] {
  const slash = param.indexOf('/');
  const at = slash >= 0 ? slash : param.indexOf('--');
  if (at <= 0) throw HubException.notFound(`Unknown model ${param}: name it ns--name or ns%2Fname`, 'model_not_found');
  return [param.slice(0, at), param.slice(at + (slash >= 0 ? 1 : 2))];
}
