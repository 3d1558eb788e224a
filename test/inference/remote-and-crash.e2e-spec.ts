/** @jest-environment ./test/inference/onnx-environment.js */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { commit, put } from '../registry/commits-support';
import { registerUser, type TestUser } from '../support/factories';
import { createModel, hubSql } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';
import { type HubProcess, startMain } from '../platform/platform-helpers';
import { deploy, onnx, slowGraph, tinyGraph } from './inference-support';

const addBody = {
  inputs: [
    { name: 'x', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] },
    { name: 'y', shape: [1, 3], datatype: 'FP32', data: [4, 5, 6] },
  ],
};

/**
 * The remote backend against a real OIP server: a second hub process (main.ts, embedded mode)
 * serving a private model, which the hub under test forwards to with a stored credential;
 * upstream slow (504) and down (502). And kill -9 of that process right after a burst of answered
 * calls: after the restart, every answered call is on record.
 */
describe('remote deployments and the metering across a crash', () => {
  let root: string;
  let upstream: HubProcess | undefined;
  let upstreamUrl: string;
  let upstreamUser: { auth: { Authorization: string }; token: string };
  let hub: TestHub;
  let owner: TestUser;

  const startUpstream = async () => {
    upstream = await startMain({ HUB_DATA_DIR: path.join(root, 'data'), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }, 90_000);
    upstreamUrl = upstream.url.replace('//localhost:', '//127.0.0.1:');
  };
  /** A model served on the upstream process (private: only the credential opens it). */
  const upstreamModel = async (name: string, graph: Buffer, config: Record<string, unknown> = {}) => {
    const up = { http: () => request(upstreamUrl) } as unknown as TestHub;
    const me = { ...upstreamUser, username: 'upstream' };
    const { id } = await createModel(up, me, { name, visibility: 'private' });
    await commit(up, me as unknown as TestUser, id, [put('model.onnx', graph)]);
    await request(upstreamUrl).post(`/api/v1/models/upstream/${name}/versions`).set(upstreamUser.auth).send({ name: 'v1' }).expect(201);
    await deploy(up, me as unknown as TestUser, `upstream/${name}`, { version: 'v1', backend: 'embedded', config });
    return `upstream--${name}`;
  };
  /** A model on the hub under test whose v1 is deployed remotely to `remoteModel` upstream; returns its infer URL. */
  const remoteDeployment = async (name: string, remoteModel: string, config: Record<string, unknown> = {}) => {
    const { id } = await createModel(hub, owner, { name });
    await commit(hub, owner, id, [put('README.md', '# served elsewhere\n')]);
    await hub.http().post(`/api/v1/models/${owner.username}/${name}/versions`).set(owner.auth).send({ name: 'v1' }).expect(201);
    const res = await hub
      .http()
      .post(`/api/v1/models/${owner.username}/${name}/deployments`)
      .set(owner.auth)
      .send({ version: 'v1', backend: 'remote', config: { url: upstreamUrl, model: remoteModel, credential: upstreamUser.token, ...config } });
    if (res.status !== 201) throw new Error(`remote deploy: ${res.status} ${JSON.stringify(res.body)}`);
    expect(res.body.remote).toEqual({ url: upstreamUrl, model: remoteModel, credential: true });
    return `/v2/models/${owner.username}--${name}/infer`;
  };

  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'hub-infer-')); // 0700, as root's home
    await startUpstream();
    const reg = await request(upstreamUrl)
      .post('/api/v1/auth/register')
      .send({ username: 'upstream', email: 'up@example.org', password: 'correct-horse-battery' })
      .expect(201);
    const auth = { Authorization: `Bearer ${reg.body.accessToken}` };
    const token = await request(upstreamUrl)
      .post('/api/v1/tokens')
      .set(auth)
      .send({ name: 'forwarding', scopes: ['write'] })
      .expect(201);
    upstreamUser = { auth, token: token.body.token as string };
    hub = await startTestHub({ env: { INFERENCE_ALLOWED_TARGETS: '127.0.0.1/32' } });
    owner = await registerUser(hub, 'remoteowner');
  }, 180_000);
  afterAll(async () => {
    await upstream?.stop();
    await hub?.close();
    await fs.rm(root, { recursive: true, force: true });
  });

  it('forwards a call to the OIP server with the stored credential and passes its answer on', async () => {
    const adder = await upstreamModel('adder', tinyGraph('Add', onnx.TensorProto.DataType.FLOAT, { binary: true }));
    // Without the credential the upstream hides its private model.
    expect((await request(upstreamUrl).post(`/v2/models/${adder}/infer`).send(addBody)).status).toBe(404);
    const url = await remoteDeployment('remote-adder', adder);
    const res = await hub.http().post(url).send(addBody);
    expect([res.status, res.body.error]).toEqual([200, undefined]);
    expect(res.body.outputs).toEqual([{ name: 'z', datatype: 'FP32', shape: [1, 3], data: [5, 7, 9] }]);
    // The upstream's round trip, within the hub's whole time.
    const [, upstreamMs, totalMs] = /^upstream;dur=(\d+\.\d{3}), total;dur=(\d+\.\d{3})$/.exec(res.headers['server-timing'])!.map(Number);
    expect(upstreamMs).toBeGreaterThan(0);
    expect(upstreamMs).toBeLessThan(totalMs);
    // The caller's bad tensor comes back as the upstream's 400.
    const bad = await hub
      .http()
      .post(url)
      .send({ inputs: [addBody.inputs[0]] });
    expect(bad.status).toBe(400);
    // The credential is stored sealed, never as given.
    const [row] = await hubSql<{ remote_credential: string }>(hub, `SELECT remote_credential FROM deployments WHERE backend = 'remote'`);
    expect(row.remote_credential).toMatch(/^v1\./);
    expect(row.remote_credential).not.toContain(upstreamUser.token);
  });

  it('refuses a remote target that INFERENCE_ALLOWED_TARGETS does not list', async () => {
    const { id } = await createModel(hub, owner, { name: 'elsewhere' });
    await commit(hub, owner, id, [put('README.md', '# x\n')]);
    await hub.http().post(`/api/v1/models/${owner.username}/elsewhere/versions`).set(owner.auth).send({ name: 'v1' }).expect(201);
    const res = await hub
      .http()
      .post(`/api/v1/models/${owner.username}/elsewhere/deployments`)
      .set(owner.auth)
      .send({ version: 'v1', backend: 'remote', config: { url: 'http://10.1.2.3:8000', model: 'm' } });
    expect(res.status).toBe(400);
    expect(res.body.error).toContain('INFERENCE_ALLOWED_TARGETS');
  });

  it('an upstream slower than the timeout: 504', async () => {
    const slow = await upstreamModel('slow', slowGraph(160, 256));
    const url = await remoteDeployment('remote-slow', slow, { timeoutMs: 50 });
    const res = await hub
      .http()
      .post(url)
      .send({ inputs: [{ name: 'x', shape: [256, 256], datatype: 'FP32', data: new Array(256 * 256).fill(0.5) }] });
    expect(res.status).toBe(504);
    expect(res.body.code).toBe('upstream_timeout');
  });

  it('kill -9 right after a burst: every answered call is on record after the restart; meanwhile the remote deployment answers 502', async () => {
    const adder = 'upstream--adder';
    const results = await Promise.all(
      Array.from({ length: 40 }, () =>
        request(upstreamUrl)
          .post(`/v2/models/${adder}/infer`)
          .set(upstreamUser.auth)
          .send(addBody)
          .then((r) => r.status)
          .catch(() => 0),
      ),
    );
    const answered = results.filter((s) => s === 200).length;
    await upstream!.kill();
    upstream = undefined;

    const down = await hub.http().post(`/v2/models/${owner.username}--remote-adder/infer`).send(addBody);
    expect(down.status).toBe(502);
    expect(down.body.code).toBe('upstream_failed');

    await startUpstream();
    const deployments = await request(upstreamUrl).get('/api/v1/models/upstream/adder/deployments').set(upstreamUser.auth).expect(200);
    // Answered calls of the last hour: the burst's (the rest were refused 429 by the deployment's queue) and the forwarded one of the first test.
    expect(answered).toBeGreaterThan(0);
    const { calls, errors } = deployments.body[0].recent as { calls: number; errors: number };
    expect(calls - errors).toBe(answered + 1);
    expect(errors).toBe(40 - answered + 1);
  }, 180_000);
});
