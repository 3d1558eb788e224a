/** @jest-environment ./test/inference/onnx-environment.js */
import request from 'supertest';
import { HotRoutes } from '../../apps/api/src/hot-routes/hot-routes';
import { uniqueName } from '../licensing/licensing-support';
import { commit, put } from '../registry/commits-support';
import { bearer, createToken, registerUser, type TestUser } from '../support/factories';
import { createModel } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';
import { deploy, onnx, tinyGraph } from './inference-support';

const T = onnx.TensorProto.DataType;

/**
 * The infer route on the hot routes (hot-routes/hot-routes.ts) against the same route through
 * Express and Nest (the app's Express handler alone, what the server falls back to): answers,
 * errors and the call records must be the same either way.
 */
describe('hot routes: infer answered before Nest, exactly as Nest answers it', () => {
  let hub: TestHub;
  let hot: HotRoutes;
  let owner: TestUser;
  let url: string;
  let ids = 0;
  const body = { inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', data: [-1, 0.5, 2] }] };

  beforeAll(async () => {
    hub = await startTestHub();
    hot = hub.app.get(HotRoutes);
    owner = await registerUser(hub, 'hotinfer');
    const { id, namespace, name } = await createModel(hub, owner, { name: uniqueName('hot') });
    await commit(hub, owner, id, [put('model.onnx', tinyGraph('Relu', T.FLOAT))]);
    await hub.http().post(`/api/v1/models/${namespace}/${name}/versions`).set(owner.auth).send({ name: 'v1' }).expect(201);
    await deploy(hub, owner, `${namespace}/${name}`, { version: 'v1', backend: 'embedded', config: { maxRequestBytes: 2048 } });
    url = `/v2/models/${namespace}--${name}`;
  });
  afterAll(() => hub?.close());

  const comparable = (res: request.Response) => {
    const headers: Record<string, string> = { ...res.headers };
    for (const name of ['date', 'connection', 'keep-alive']) delete headers[name];
    // Timings differ from call to call; their metrics do not.
    if (headers['server-timing']) headers['server-timing'] = headers['server-timing'].replace(/dur=[\d.]+/g, 'dur=…');
    return { status: res.status, headers, body: res.body as unknown };
  };

  /** The same POST through the server (hot path) and through Express alone; returns the first, with whether the hot path took it. */
  async function both(path: string, send: string | object, headers: Record<string, string> = {}) {
    const id = `hot-infer-${ids++}`;
    const before = hot.served;
    const fast = await request(hub.app.getHttpServer())
      .post(path)
      .set({ 'Content-Type': 'application/json', ...headers, 'X-Request-Id': id })
      .send(send);
    const tookHot = hot.served - before === 1;
    const slow = await request(hub.app.getHttpAdapter().getInstance())
      .post(path)
      .set({ 'Content-Type': 'application/json', ...headers, 'X-Request-Id': id })
      .send(send);
    expect(hot.served - before).toBe(tookHot ? 1 : 0);
    expect(comparable(fast)).toEqual(comparable(slow));
    return { res: fast, hot: tookHot };
  }

  it('a call: the same 200 and outputs, by model name and by version, anonymous and with a token', async () => {
    const token = await createToken(hub, owner, ['read']);
    for (const [path, headers] of [
      [`${url}/infer`, {}],
      [`${url}/versions/v1/infer`, {}],
      [`${url}/infer`, bearer(token)],
    ] as const) {
      const { res, hot: tookHot } = await both(path, body, headers);
      expect(tookHot).toBe(true);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ model_version: 'v1', outputs: [{ name: 'z', datatype: 'FP32', shape: [1, 3], data: [0, 0.5, 2] }] });
    }
  });

  it('errors: bad tensor (400 naming it), unknown version (404), bad token (401), body over the limit (413)', async () => {
    const bad = await both(`${url}/infer`, { inputs: [{ ...body.inputs[0], shape: [1, 4] }] });
    expect([bad.hot, bad.res.status]).toEqual([true, 400]);
    expect(bad.res.body.error).toMatch(/x/);
    const missing = await both(`${url}/versions/v9/infer`, body);
    expect([missing.hot, missing.res.status]).toEqual([true, 404]);
    const token = await both(`${url}/infer`, body, { Authorization: 'Bearer hf_notatoken' });
    expect([token.hot, token.res.status]).toEqual([true, 401]);
    const large = await both(`${url}/infer`, { inputs: [{ ...body.inputs[0], data: new Array(600).fill(1.25) }] });
    expect([large.hot, large.res.status]).toEqual([true, 413]);
    const malformed = await both(`${url}/infer`, '{"inputs": [');
    expect([malformed.hot, malformed.res.status]).toEqual([true, 400]);
  });

  it('what it does not take goes to Nest and is answered the same: a query string, a cookie, another method', async () => {
    expect((await both(`${url}/infer?trace=1`, body)).hot).toBe(false);
    expect((await both(`${url}/infer`, body, { Cookie: 'theme=dark' })).hot).toBe(false);
    const before = hot.served;
    const get = await request(hub.app.getHttpServer()).get(`${url}/infer`);
    expect(hot.served).toBe(before);
    expect(get.status).toBe(404);
  });
});
