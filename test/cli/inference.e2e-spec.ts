/** @jest-environment ./test/inference/onnx-environment.js */
import fs from 'node:fs';
import path from 'node:path';
import { commit, put } from '../registry/commits-support';
import { onnx, tinyGraph } from '../inference/inference-support';
import { createToken, registerUser } from '../support/factories';
import { createModel } from '../support/models';
import { cli, cliEnv, cliJson, type CliHub, startCliHub, writeFiles } from './cli-support';

interface DeploymentJson {
  id: string;
  version: string;
  backend: string;
  state: string;
  limits: { concurrency: number; queue: number; timeoutMs: number };
  endpoint: string;
}

/** Hosted inference from the command line: deploy a tiny Add graph, call it with an input file, stop and delete it. */
describe('modelhub deployments and infer', () => {
  let h: CliHub;
  let repo: string;
  let id: string;
  let requestFile: string;

  beforeAll(async () => {
    h = await startCliHub();
    const model = await createModel(h.hub, h.user, { name: 'adder' });
    await commit(h.hub, h.user, model.id, [put('model.onnx', tinyGraph('Add', onnx.TensorProto.DataType.FLOAT, { binary: true }))]);
    await h.hub.http().post(`/api/v1/models/${model.namespace}/${model.name}/versions`).set(h.user.auth).send({ name: 'v1' }).expect(201);
    repo = `${model.namespace}/${model.name}`;
    requestFile = path.join(h.env.home, 'request.json');
    writeFiles(h.env.home, {
      'request.json': JSON.stringify({
        inputs: [
          { name: 'x', shape: [2, 3], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6] },
          { name: 'y', shape: [2, 3], datatype: 'FP32', data: [10, 20, 30, 40, 50, 60] },
        ],
      }),
    });
  });
  afterAll(() => h.hub.close());

  it('creates a deployment with limits, and lists and shows it until it is ready', async () => {
    const created = await cliJson<DeploymentJson>(
      ['deployments', 'create', repo, '--version', 'v1', '--concurrency', '2', '--queue', '3', '--timeout-ms', '5000'],
      h.env,
    );
    id = created.id;
    expect(created).toMatchObject({ version: 'v1', backend: 'embedded', limits: { concurrency: 2, queue: 3, timeoutMs: 5000 } });

    const until = Date.now() + 30_000;
    let shown = await cliJson<DeploymentJson>(['deployments', 'show', repo, id], h.env);
    while (shown.state === 'loading' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 200));
      shown = await cliJson<DeploymentJson>(['deployments', 'show', repo, id], h.env);
    }
    expect(shown.state).toBe('ready');
    expect(shown.endpoint).toBe(`/v2/models/${repo.replace('/', '--')}/versions/v1/infer`);

    const list = await cliJson<DeploymentJson[]>(['deployments', 'list', repo], h.env);
    expect(list.map((d) => [d.id, d.state])).toEqual([[id, 'ready']]);
    const table = await cli(['deployments', 'list', repo], h.env);
    expect(table.stdout).toMatch(new RegExp(`^${id}\\s+v1\\s+embedded\\s+ready`, 'm'));
  });

  it('infers from a file and from stdin, printing the answer as JSON or one line per output', async () => {
    const answer = await cliJson<{ outputs: { name: string; datatype: string; shape: number[]; data: number[] }[] }>(
      ['infer', repo, '--version', 'v1', '--input', requestFile],
      h.env,
    );
    expect(answer.outputs).toEqual([{ name: 'z', datatype: 'FP32', shape: [2, 3], data: [11, 22, 33, 44, 55, 66] }]);

    const outFile = path.join(h.env.home, 'answer.json');
    const human = await cli(['infer', repo, '--input', '-', '--output-file', outFile], h.env, { input: fs.readFileSync(requestFile, 'utf8') });
    expect([human.code, human.stderr]).toEqual([0, '']);
    expect(human.stdout.trim()).toBe('z FP32 [2,3] 11 22 33 44 55 66');
    expect((JSON.parse(fs.readFileSync(outFile, 'utf8')) as typeof answer).outputs[0].data).toEqual([11, 22, 33, 44, 55, 66]);
  });

  it('exits 3 for an unknown model, 2 for a body that is not OIP and 4 for an outsider deploying', async () => {
    const unknown = await cli(['infer', `${h.user.username}/no-such-model`, '--input', requestFile], h.env);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/^Error: /);

    writeFiles(h.env.home, { 'bad.json': '{"instances": [1, 2]}' });
    const bad = await cli(['infer', repo, '--input', path.join(h.env.home, 'bad.json'), '--json'], h.env);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stderr)).toMatchObject({ code: 'usage', exitCode: 2 });

    const other = await registerUser(h.hub);
    const outsider = cliEnv(h.url, { MODELHUB_TOKEN: await createToken(h.hub, other, ['read', 'write']) });
    const refused = await cli(['deployments', 'create', repo, '--version', 'v1'], outsider);
    expect(refused.code).toBe(4);
  });

  it('stops the deployment (infer then fails) and deletes it', async () => {
    const stopped = await cliJson<DeploymentJson>(['deployments', 'stop', repo, id], h.env);
    expect(stopped.state).toBe('stopped');
    const refused = await cli(['infer', repo, '--version', 'v1', '--input', requestFile], h.env);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/^Error: .+/);

    const deleted = await cli(['deployments', 'delete', repo, id], h.env);
    expect([deleted.code, deleted.stdout.trim()]).toEqual([0, `Deleted ${id}`]);
    expect(await cliJson<DeploymentJson[]>(['deployments', 'list', repo], h.env)).toEqual([]);
    const gone = await cli(['deployments', 'show', repo, id], h.env);
    expect(gone.code).toBe(3);
  });
});
