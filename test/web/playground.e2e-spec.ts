/** @jest-environment ./test/inference/onnx-environment.js */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { commit, put } from '../registry/commits-support';
import { deploy, onnx, tinyGraph } from '../inference/inference-support';
import { registerUser, type TestUser } from '../support/factories';
import { createModel } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';
import { ensureWebBuild, launchBrowser, screenshot, seriousViolations } from './support/browser';

jest.setTimeout(120_000);

/**
 * Hosted inference on the model page, in Debian's Chromium: a gated model with a tiny ONNX graph
 * (z = x + y) deployed; its owner sees the deployment with its state and recent latency, runs the
 * playground from the example the signature gives, edits it, sees the output values and an error
 * with its request id; a signed-in user without a grant sees the deployment but no Run button.
 */
describe('web: deployments and the playground on the model page', () => {
  let hub: TestHub;
  let browser: Browser;
  let owner: TestUser;
  let outsider: TestUser;
  let repo: string;
  const contexts: BrowserContext[] = [];

  const signedIn = async (user: TestUser, locale = 'en-US'): Promise<Page> => {
    const context = await browser.newContext({ baseURL: hub.url, locale });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByLabel(locale === 'en-US' ? 'Username or email' : '用户名或邮箱').fill(user.username);
    await page.getByLabel(locale === 'en-US' ? 'Password' : '密码').fill(user.password);
    await page.locator('form button[type=submit]').click();
    await page.getByTestId('username').waitFor();
    return page;
  };

  beforeAll(async () => {
    ensureWebBuild();
    [hub, browser] = await Promise.all([startTestHub({ listen: true }), launchBrowser()]);
    [owner, outsider] = await Promise.all([registerUser(hub), registerUser(hub)]);
    const model = await createModel(hub, owner, { name: 'adder', visibility: 'gated' });
    repo = `${model.namespace}/${model.name}`;
    await commit(hub, owner, model.id, [put('model.onnx', tinyGraph('Add', onnx.TensorProto.DataType.FLOAT, { binary: true }))]);
    await hub.http().post(`/api/v1/models/${repo}/versions`).set(owner.auth).send({ name: 'v1' }).expect(201);
    await deploy(hub, owner, repo, { version: 'v1', backend: 'embedded' });
  });

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await hub?.close();
  });

  it('the owner sees the deployment, runs the example, edits it and sees the outputs, then an error with its request id', async () => {
    const page = await signedIn(owner);
    await page.goto(`/${repo}`);
    const row = page.getByTestId('deployment-row');
    await row.waitFor();
    expect(await row.textContent()).toContain('v1');
    expect(await row.textContent()).toContain('ready');
    expect(await page.getByTestId('deployment-latency').textContent()).toBe('no calls yet');

    // The example fits the signature: x and y of shape [1, 3] (the dynamic batch as 1), FP32.
    const request = page.getByLabel('Request (Open Inference Protocol JSON)');
    const example = JSON.parse(await request.inputValue()) as { inputs: { name: string; shape: number[]; datatype: string; data: number[] }[] };
    expect(example.inputs.map((i) => [i.name, i.shape, i.datatype])).toEqual([
      ['x', [1, 3], 'FP32'],
      ['y', [1, 3], 'FP32'],
    ]);
    await page.getByRole('button', { name: 'Run' }).click();
    await page.getByTestId('play-answer').waitFor();
    expect(await page.getByTestId('play-values').textContent()).toBe('[1,1,1]');

    // Edited by keyboard: select all, type a new request, submit with the Run button reached by Tab.
    await request.focus();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type(
      JSON.stringify({
        inputs: [
          { name: 'x', shape: [2, 3], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6] },
          { name: 'y', shape: [2, 3], datatype: 'FP32', data: [10, 20, 30, 40, 50, 60] },
        ],
      }),
    );
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('[data-testid=play-values]')?.textContent === '[11,22,33,44,55,66]');
    const answer = await page.getByTestId('play-answer').textContent();
    expect(answer).toContain('[2, 3]');
    expect(answer).toContain('FP32');
    expect(await page.getByTestId('play-latency').textContent()).toMatch(/^\d+\.\d ms$/);
    // The answer's Server-Timing: the model's run inside the hub's whole time for the call.
    const timing = /^model (\d+\.\d) ms of (\d+\.\d) ms in the hub$/.exec((await page.getByTestId('play-timing').textContent()) ?? '');
    expect(timing).not.toBeNull();
    expect(Number(timing![1])).toBeLessThanOrEqual(Number(timing![2]));

    // The snippets call the hub's real endpoint with a token placeholder.
    const endpoint = `${hub.url}/v2/models/${repo.replace('/', '--')}/versions/v1/infer`;
    for (const tab of ['curl', 'Python', 'JavaScript']) {
      await page.getByTestId('playground').getByRole('tab', { name: tab }).click();
      const snippet = await page.getByTestId('play-snippet').textContent();
      expect(snippet).toContain(endpoint);
      expect(snippet).toContain('HUB_TOKEN');
    }
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'playground');

    // A bad tensor: the hub's message naming it, and the request id to quote.
    await request.fill(JSON.stringify({ inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] }));
    await page.getByRole('button', { name: 'Run' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain("Input tensor 'x'");
    expect(await alert.textContent()).toMatch(/Request id: \S+/);

    // The calls made show as the deployment's recent latency on the next visit.
    await page.reload();
    await page.getByTestId('deployment-row').waitFor();
    expect(await page.getByTestId('deployment-latency').textContent()).toMatch(/^p50 [\d.]+ ms · p95 [\d.]+ ms$/);
    expect(await page.getByTestId('deployment-row').textContent()).toContain('3 calls, 1 error');
  });

  it('a signed-in user without a grant sees the deployment but no Run button, in Chinese too', async () => {
    const page = await signedIn(outsider, 'zh-CN');
    await page.goto(`/${repo}`);
    await page.getByTestId('deployment-row').waitFor();
    expect(await page.getByTestId('deployment-row').textContent()).toContain('就绪');
    expect(await page.getByTestId('no-playground').textContent()).toContain('许可授权');
    expect(await page.getByTestId('playground').count()).toBe(0);
    expect(await page.getByRole('button', { name: '运行' }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
  });
});
