import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import http from 'node:http';
import https from 'node:https';
import { HubException } from '../common/hub-exception';
import { HUB_CONFIG, ResolvedHubConfig } from '../config/hub-config';
import { CallLimiters } from './call-limiter';
import type { DeploymentRecord } from './deployment.repository';
import { InferenceSecretBox } from './inference-secret-box';
import { remoteTargetProblem } from './remote-target';

/** An upstream answer, passed on as it is (2xx, and 400/413/429: the caller's errors). */
export interface UpstreamAnswer {
  status: number;
  contentType: string;
  body: Buffer;
  /** The upstream's Inference-Header-Content-Length (binary tensors), passed on. */
  headerLength?: number;
  /** From the request's first byte sent to the answer's last byte received (Server-Timing's `upstream`). */
  upstreamMs: number;
}

/** Answers larger than this are refused with 502 rather than held in memory. */
const MAX_UPSTREAM_ANSWER_BYTES = 64 * 1024 * 1024;

const upstreamFailure = (message: string) => new HubException(HttpStatus.BAD_GATEWAY, 'upstream_failed', message);

/**
 * The remote backend: forwards an infer request to an Open Inference Protocol server (Triton,
 * KServe, MLServer, OpenVINO Model Server, or another hub) after the hub has authorized and counted
 * it. The body sent upstream is the one the hub read under the deployment's size limit; the
 * answer is read up to MAX_UPSTREAM_ANSWER_BYTES. Unreachable or failing upstream: 502; no
 * answer within the deployment's timeout: 504 (the upstream request is aborted).
 */
@Injectable()
export class RemoteBackend {
  constructor(
    @Inject(HUB_CONFIG) private readonly config: ResolvedHubConfig,
    private readonly secrets: InferenceSecretBox,
    private readonly limiters: CallLimiters,
  ) {}

  async infer(d: DeploymentRecord, body: Buffer, headerLength?: number): Promise<UpstreamAnswer> {
    const remote = d.remote!;
    // Checked again at each call: the allow list may have shrunk since the deployment was made.
    const problem = remoteTargetProblem(remote.url, this.config.inference.allowedTargets);
    if (problem) throw upstreamFailure(`Deployment ${d.id} cannot forward: ${problem}`);
    const credential = remote.sealedCredential ? await this.secrets.open(remote.sealedCredential) : null;
    const target = new URL(`${remote.url}/v2/models/${encodeURIComponent(remote.model)}/infer`);
    return this.limiters.of(d).run(() => send(target, body, headerLength, credential, d.limits.timeoutMs), 1000);
  }
}

function send(target: URL, body: Buffer, headerLength: number | undefined, credential: string | null, timeoutMs: number): Promise<UpstreamAnswer> {
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    const client = target.protocol === 'https:' ? https : http;
    const req = client.request(target, {
      method: 'POST',
      headers: {
        'Content-Type': headerLength === undefined ? 'application/json' : 'application/octet-stream',
        'Content-Length': String(body.length),
        ...(headerLength === undefined ? {} : { 'Inference-Header-Content-Length': String(headerLength) }),
        ...(credential ? { Authorization: `Bearer ${credential}` } : {}),
      },
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new HubException(HttpStatus.GATEWAY_TIMEOUT, 'upstream_timeout', `The inference server at ${target.host} did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(upstreamFailure(`The inference server at ${target.host} could not be reached: ${e.message}`));
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_UPSTREAM_ANSWER_BYTES) {
          req.destroy();
          clearTimeout(timer);
          reject(upstreamFailure(`The inference server at ${target.host} answered more than ${MAX_UPSTREAM_ANSWER_BYTES} bytes`));
        } else chunks.push(chunk);
      });
      res.on('error', (e) => {
        clearTimeout(timer);
        reject(upstreamFailure(`The inference server at ${target.host} broke off its answer: ${e.message}`));
      });
      res.on('end', () => {
        clearTimeout(timer);
        const status = res.statusCode ?? 502;
        const answer = Buffer.concat(chunks);
        // The caller's own mistakes (a bad tensor, too large, too many) pass through; anything else is the deployment's.
        if (!(status >= 200 && status < 300) && ![400, 413, 429].includes(status)) {
          return reject(upstreamFailure(`The inference server at ${target.host} failed with ${status}: ${upstreamMessage(answer)}`));
        }
        const upstreamHeader = res.headers['inference-header-content-length'];
        resolve({
          status,
          contentType: res.headers['content-type'] ?? 'application/json',
          body: answer,
          upstreamMs: performance.now() - startedAt,
          ...(typeof upstreamHeader === 'string' && /^\d+$/.test(upstreamHeader) ? { headerLength: Number(upstreamHeader) } : {}),
        });
      });
    });
    req.end(body);
  });
}

/** The upstream's `{error}` when it sent one (OIP's error shape), else the start of its body. */
function upstreamMessage(body: Buffer): string {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { error?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
  } catch {
    // not JSON
  }
  return body.toString('utf8').slice(0, 200);
}
