/** @jest-environment ./test/inference/onnx-environment.js */
import { commit, put } from '../registry/commits-support';
import { registerUser, type TestUser } from '../support/factories';
import { createModel } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';
import { uniqueName } from '../licensing/licensing-support';
import { deploy, onnx, slowGraph, tinyGraph } from './inference-support';

const T = onnx.TensorProto.DataType;

/** Every OIP datatype onnxruntime-node carries, with data that exercises its range. */
const DATATYPES: [string, number, unknown[]][] = [
  ['BOOL', T.BOOL, [true, false, true]],
  ['UINT8', T.UINT8, [0, 7, 255]],
  ['UINT16', T.UINT16, [0, 300, 65535]],
  ['UINT32', T.UINT32, [0, 70000, 4294967295]],
  ['UINT64', T.UINT64, [0, 1, 2 ** 53 - 1]],
  ['INT8', T.INT8, [-128, 0, 127]],
  ['INT16', T.INT16, [-32768, 5, 32767]],
  ['INT32', T.INT32, [-2147483648, 5, 2147483647]],
  ['INT64', T.INT64, [-(2 ** 53 - 1), 0, 2 ** 53 - 1]],
  ['FP16', T.FLOAT16, [0.5, -2, 65504]],
  ['FP32', T.FLOAT, [Math.fround(0.1), -1.5, Math.fround(3.4e38)]],
  ['FP64', T.DOUBLE, [0.1, -1e300, Math.PI]],
  ['BYTES', T.STRING, ['hub', '', '模型']],
];

/**
 * Tiny graphs built here with onnx-proto, one per datatype (Identity: what goes in comes out, so
 * the codec is checked both ways), and the error cases: bad shape, bad datatype, oversized body,
 * timeout, queue full.
 */
describe('OIP datatypes and deployment limits', () => {
  let hub: TestHub;
  let owner: TestUser;

  /** A model holding `graph` as model.onnx, version v1, deployed with `config`; returns its infer URL. */
  async function served(graph: Buffer, config: Record<string, unknown> = {}) {
    const { id, namespace, name } = await createModel(hub, owner, { name: uniqueName('g') });
    await commit(hub, owner, id, [put('model.onnx', graph)]);
    await hub.http().post(`/api/v1/models/${namespace}/${name}/versions`).set(owner.auth).send({ name: 'v1' }).expect(201);
    await deploy(hub, owner, `${namespace}/${name}`, { version: 'v1', backend: 'embedded', config });
    return `/v2/models/${namespace}--${name}/versions/v1/infer`;
  }

  beforeAll(async () => {
    hub = await startTestHub();
    owner = await registerUser(hub, 'graphs');
  });
  afterAll(() => hub?.close());

  it.each(DATATYPES)('%s goes in and comes back unchanged', async (datatype, elemType, data) => {
    const url = await served(tinyGraph('Identity', elemType));
    const res = await hub
      .http()
      .post(url)
      .send({ inputs: [{ name: 'x', shape: [1, 3], datatype, data }] });
    expect([res.status, res.body.error]).toEqual([200, undefined]);
    expect(res.body.outputs).toEqual([{ name: 'z', datatype, shape: [1, 3], data }]);
  });

  describe('bad tensors: 400 naming the tensor', () => {
    let url: string;
    beforeAll(async () => {
      url = await served(tinyGraph('Add', T.FLOAT, { binary: true }));
    });
    const y = { name: 'y', shape: [1, 3], datatype: 'FP32', data: [1, 1, 1] };
    const cases: [string, Record<string, unknown>, string][] = [
      ['a fixed dimension', { name: 'x', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }, "Input tensor 'x': shape [1,4] does not match [-1,3]"],
      ['the rank', { name: 'x', shape: [3], datatype: 'FP32', data: [1, 2, 3] }, "Input tensor 'x': shape [3] has rank 1"],
      ['the element count', { name: 'x', shape: [2, 3], datatype: 'FP32', data: [1, 2, 3] }, "Input tensor 'x': shape [2,3] needs 6 elements, data has 3"],
      ['the datatype', { name: 'x', shape: [1, 3], datatype: 'INT32', data: [1, 2, 3] }, 'Input tensor \'x\': datatype must be FP32, got "INT32"'],
      ['the data', { name: 'x', shape: [1, 3], datatype: 'FP32', data: [1, 'two', 3] }, "Input tensor 'x': FP32 data must be numbers (element 1"],
    ];
    it.each(cases)('%s', async (_, x, message) => {
      const res = await hub
        .http()
        .post(url)
        .send({ inputs: [x, y] });
      expect(res.status).toBe(400);
      expect(res.body.error).toContain(message);
    });
    it('a missing or unknown input', async () => {
      const missing = await hub
        .http()
        .post(url)
        .send({ inputs: [y] });
      expect([missing.status, missing.body.error]).toEqual([400, expect.stringContaining("Input tensor 'x' is missing")]);
      const unknown = await hub
        .http()
        .post(url)
        .send({ inputs: [y, { ...y, name: 'x' }, { ...y, name: 'w' }] });
      expect([unknown.status, unknown.body.error]).toEqual([400, expect.stringContaining("Input tensor 'w' is not an input")]);
    });
    it('nested data is accepted as row-major', async () => {
      const res = await hub
        .http()
        .post(url)
        .send({
          inputs: [
            {
              name: 'x',
              shape: [2, 3],
              datatype: 'FP32',
              data: [
                [1, 2, 3],
                [4, 5, 6],
              ],
            },
            { ...y, shape: [2, 3], data: [0, 0, 0, 1, 1, 1] },
          ],
        });
      expect(res.body.outputs[0].data).toEqual([1, 2, 3, 5, 6, 7]);
    });
  });

  it('a large JSON body (parsed off the event loop): exact values, nested rows, and the same 400s naming the tensor', async () => {
    const url = await served(tinyGraph('Identity', T.DOUBLE, { width: 1024 }));
    const rows = Array.from({ length: 16 }, (_, r) => Array.from({ length: 1024 }, (_, i) => Math.sin(r * 1024 + i) * 1e3));
    const ok = await hub
      .http()
      .post(url)
      .send({ inputs: [{ name: 'x', shape: [16, 1024], datatype: 'FP64', data: rows }] });
    expect([ok.status, ok.body.error]).toEqual([200, undefined]);
    expect(ok.body.outputs[0].data).toEqual(rows.flat());
    const mixed = rows.flat() as unknown[];
    mixed[5000] = 'five';
    const bad = await hub
      .http()
      .post(url)
      .send({ inputs: [{ name: 'x', shape: [16, 1024], datatype: 'FP64', data: mixed }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe(`Input tensor 'x': FP64 data must be numbers (element 5000 is "five")`);
    const count = await hub
      .http()
      .post(url)
      .send({ inputs: [{ name: 'x', shape: [16, 1024], datatype: 'FP64', data: rows.flat().slice(1) }] });
    expect(count.body.error).toBe("Input tensor 'x': shape [16,1024] needs 16384 elements, data has 16383");
    const text = JSON.stringify({ inputs: [{ name: 'x', shape: [16, 1024], datatype: 'FP64', data: rows.flat() }] });
    const broken = await hub.http().post(url).set('Content-Type', 'application/json').send(text.slice(0, -2));
    expect([broken.status, broken.body.code]).toEqual([400, 'malformed_json']);
  });

  it('an oversized body: 413 before the model runs', async () => {
    const url = await served(tinyGraph('Identity', T.FLOAT, { width: 4096 }), { maxRequestBytes: 4096 });
    const data = Array.from({ length: 4096 }, (_, i) => i / 7);
    const res = await hub
      .http()
      .post(url)
      .send({ inputs: [{ name: 'x', shape: [1, 4096], datatype: 'FP32', data }] });
    expect(res.status).toBe(413);
    expect(res.body.error).toContain('limit of 4096 bytes');
  });

  describe('a slow model', () => {
    // 2 * 256 * 256² * 160 ≈ 5 GFLOP per call on a small input: the model, not the JSON, takes the time.
    const slow = () => slowGraph(160, 256);
    const bigCall = (rows: number) => ({ inputs: [{ name: 'x', shape: [rows, 256], datatype: 'FP32', data: new Array(rows * 256).fill(0.5) }] });

    it('a call over its timeout gets 504 and its slot back', async () => {
      const url = await served(slow(), { timeoutMs: 1, concurrency: 1, queue: 0, maxRequestBytes: 64 * 1024 * 1024 });
      const res = await hub.http().post(url).send(bigCall(256));
      expect(res.status).toBe(504);
      expect(res.body.code).toBe('inference_timeout');
      // The slot is free again: the next call is not refused as queue-full (it times out too, on its own).
      const next = await hub.http().post(url).send(bigCall(256));
      expect(next.status).toBe(504);
    });

    it('the queue full: 429 with Retry-After', async () => {
      const url = await served(slow(), { concurrency: 1, queue: 1, maxRequestBytes: 64 * 1024 * 1024 });
      const body = bigCall(256);
      const results = await Promise.all([0, 1, 2, 3].map(() => hub.http().post(url).send(body)));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
      const refused = results.find((r) => r.status === 429);
      expect(refused).toBeDefined();
      expect(refused!.body.code).toBe('queue_full');
      expect(Number(refused!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    });
  });
});
