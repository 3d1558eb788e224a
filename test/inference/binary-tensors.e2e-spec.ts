/** @jest-environment ./test/inference/onnx-environment.js */
import type { Response } from 'superagent';
import { commit, put } from '../registry/commits-support';
import { registerUser, type TestUser } from '../support/factories';
import { createModel } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';
import { uniqueName } from '../licensing/licensing-support';
import { deploy, onnx, tinyGraph } from './inference-support';

const T = onnx.TensorProto.DataType;

/** Each datatype's bytes as the extension carries them (little-endian, BOOL one byte, BYTES length-prefixed), and the values they stand for in JSON. */
const DATATYPES: [string, number, Buffer, unknown[]][] = [
  ['BOOL', T.BOOL, Buffer.from([1, 0, 1]), [true, false, true]],
  ['UINT8', T.UINT8, Buffer.from([0, 7, 255]), [0, 7, 255]],
  ['INT16', T.INT16, Buffer.from(new Int16Array([-32768, 5, 32767]).buffer), [-32768, 5, 32767]],
  ['UINT32', T.UINT32, Buffer.from(new Uint32Array([0, 70000, 4294967295]).buffer), [0, 70000, 4294967295]],
  ['INT64', T.INT64, Buffer.from(new BigInt64Array([-5n, 0n, 2n ** 53n - 1n]).buffer), [-5, 0, 2 ** 53 - 1]],
  ['FP16', T.FLOAT16, Buffer.from(new Uint16Array([0x3800, 0xc000, 0x7bff]).buffer), [0.5, -2, 65504]],
  ['FP32', T.FLOAT, Buffer.from(new Float32Array([0.25, -1.5, 3]).buffer), [0.25, -1.5, 3]],
  ['FP64', T.DOUBLE, Buffer.from(new Float64Array([0.1, -1e300, Math.PI]).buffer), [0.1, -1e300, Math.PI]],
  [
    'BYTES',
    T.STRING,
    Buffer.concat(['hub', '', '模型'].flatMap((s) => [Buffer.from(new Uint32Array([Buffer.byteLength(s)]).buffer), Buffer.from(s)])),
    ['hub', '', '模型'],
  ],
];

/** A body of the binary tensor extension: the JSON header, then the tensors' bytes. */
function binaryBody(header: unknown, ...tensors: Buffer[]) {
  const json = Buffer.from(JSON.stringify(header));
  return { body: Buffer.concat([json, ...tensors]), headerLength: json.length };
}

/** Collects a response body as bytes (superagent parses only JSON by itself). */
const asBytes = (res: Response, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

/**
 * The Open Inference Protocol's binary tensor data extension (Inference-Header-Content-Length,
 * binary_data_size, binary_data / binary_data_output), as KServe and Triton define it: every
 * datatype in and out, mixed with JSON tensors, and its errors; and that stopping a deployment
 * reaches the cached deployment lookup at once.
 */
describe('OIP binary tensor data extension', () => {
  let hub: TestHub;
  let owner: TestUser;

  async function served(graph: Buffer) {
    const { id, namespace, name } = await createModel(hub, owner, { name: uniqueName('b') });
    await commit(hub, owner, id, [put('model.onnx', graph)]);
    await hub.http().post(`/api/v1/models/${namespace}/${name}/versions`).set(owner.auth).send({ name: 'v1' }).expect(201);
    const d = await deploy(hub, owner, `${namespace}/${name}`, { version: 'v1', backend: 'embedded' });
    return { url: `/v2/models/${namespace}--${name}/infer`, repo: `${namespace}/${name}`, id: d.id };
  }

  const post = (url: string, body: Buffer, headerLength: number) =>
    hub
      .http()
      .post(url)
      .set('Content-Type', 'application/octet-stream')
      .set('Inference-Header-Content-Length', String(headerLength))
      .buffer(true)
      .parse(asBytes)
      .send(body);

  beforeAll(async () => {
    hub = await startTestHub();
    owner = await registerUser(hub, 'binaries');
  });
  afterAll(() => hub?.close());

  it('the server metadata names the extension', async () => {
    expect((await hub.http().get('/v2').expect(200)).body.extensions).toContain('binary_tensor_data');
  });

  it.each(DATATYPES)('%s: binary in, JSON out, and binary in, binary out', async (datatype, elemType, bytes, values) => {
    const { url } = await served(tinyGraph('Identity', elemType));
    const input = { name: 'x', shape: [1, 3], datatype, parameters: { binary_data_size: bytes.length } };
    const asJson = binaryBody({ inputs: [input] }, bytes);
    const res = await post(url, asJson.body, asJson.headerLength);
    expect(res.status).toBe(200);
    expect(res.headers['inference-header-content-length']).toBeUndefined();
    expect(JSON.parse((res.body as Buffer).toString()).outputs).toEqual([{ name: 'z', datatype, shape: [1, 3], data: values }]);

    const asBinary = binaryBody({ inputs: [input], outputs: [{ name: 'z', parameters: { binary_data: true } }] }, bytes);
    const bin = await post(url, asBinary.body, asBinary.headerLength);
    expect(bin.status).toBe(200);
    expect(bin.headers['content-type']).toContain('application/octet-stream');
    const length = Number(bin.headers['inference-header-content-length']);
    const body = bin.body as Buffer;
    const header = JSON.parse(body.subarray(0, length).toString());
    expect(header.outputs).toEqual([{ name: 'z', datatype, shape: [1, 3], parameters: { binary_data_size: bytes.length } }]);
    expect(body.subarray(length).equals(bytes)).toBe(true);
  });

  it('binary and JSON inputs in one request; binary_data_output asks for every output in binary', async () => {
    const { url } = await served(tinyGraph('Add', T.FLOAT, { binary: true }));
    const x = Buffer.from(new Float32Array([1, 2, 3, 4, 5, 6]).buffer);
    const { body, headerLength } = binaryBody(
      {
        id: 'mixed',
        parameters: { binary_data_output: true },
        inputs: [
          { name: 'x', shape: [2, 3], datatype: 'FP32', parameters: { binary_data_size: x.length } },
          { name: 'y', shape: [2, 3], datatype: 'FP32', data: [10, 20, 30, 40, 50, 60] },
        ],
      },
      x,
    );
    const res = await post(url, body, headerLength);
    expect(res.status).toBe(200);
    const length = Number(res.headers['inference-header-content-length']);
    const answer = res.body as Buffer;
    expect(JSON.parse(answer.subarray(0, length).toString())).toMatchObject({ id: 'mixed', outputs: [{ name: 'z', parameters: { binary_data_size: 24 } }] });
    expect([...new Float32Array(new Uint8Array(answer.subarray(length)).buffer)]).toEqual([11, 22, 33, 44, 55, 66]);
  });

  it('errors: 400 naming the tensor for a size that does not fit the shape, bytes left over, a bad header length, bad BOOL bytes', async () => {
    const { url } = await served(tinyGraph('Identity', T.FLOAT));
    const input = (size: number) => ({ name: 'x', shape: [1, 3], datatype: 'FP32', parameters: { binary_data_size: size } });
    const short = binaryBody({ inputs: [input(8)] }, Buffer.alloc(8));
    let res = await post(url, short.body, short.headerLength);
    expect(res.status).toBe(400);
    expect(JSON.parse((res.body as Buffer).toString()).error).toContain("Input tensor 'x': binary_data_size is 8 bytes, the shape needs 3 FP32 elements");

    const extra = binaryBody({ inputs: [input(12)] }, Buffer.alloc(16));
    res = await post(url, extra.body, extra.headerLength);
    expect(res.status).toBe(400);
    expect(JSON.parse((res.body as Buffer).toString()).error).toContain('4 bytes after the JSON header');

    const past = binaryBody({ inputs: [input(12)] }, Buffer.alloc(12));
    res = await post(url, past.body, past.body.length + 1);
    expect(res.status).toBe(400);
    expect(JSON.parse((res.body as Buffer).toString()).error).toContain('Inference-Header-Content-Length');

    // binary_data_size without the header: the request cannot say where the bytes are.
    const noHeader = await hub
      .http()
      .post(url)
      .send({ inputs: [input(12)] });
    expect(noHeader.status).toBe(400);
    expect(noHeader.body.error).toContain('no Inference-Header-Content-Length');

    const bools = await served(tinyGraph('Identity', T.BOOL));
    const bad = binaryBody({ inputs: [{ name: 'x', shape: [1, 3], datatype: 'BOOL', parameters: { binary_data_size: 3 } }] }, Buffer.from([1, 2, 0]));
    res = await post(bools.url, bad.body, bad.headerLength);
    expect(res.status).toBe(400);
    expect(JSON.parse((res.body as Buffer).toString()).error).toContain('element 1 is 2');
  });

  it('a stopped deployment stops serving at once (the cached lookup hears of it), and one created again serves', async () => {
    const { url, repo, id } = await served(tinyGraph('Identity', T.FLOAT));
    const call = () =>
      hub
        .http()
        .post(url)
        .send({ inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] });
    expect((await call()).status).toBe(200);
    await hub.http().post(`/api/v1/models/${repo}/deployments/${id}/stop`).set(owner.auth).expect(200);
    const stopped = await call();
    expect(stopped.status).toBe(404);
    expect(stopped.body.code).toBe('deployment_not_found');
    await hub.http().delete(`/api/v1/models/${repo}/deployments/${id}`).set(owner.auth).expect(204);
    await deploy(hub, owner, repo, { version: 'v1', backend: 'embedded' });
    expect((await call()).status).toBe(200);
  });
});
