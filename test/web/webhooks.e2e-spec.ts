import type { Page } from 'playwright-core';
import { eventually, uniqueName } from '../licensing/licensing-support';
import { createWebhook, ENV, startReceiver, verify } from '../licensing/webhook-receiver';
import { createOrg, registerUser } from '../support/factories';
import { createModel } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';
import { openBrowserOn, screenshot, seriousViolations } from './support/browser';

jest.setTimeout(90_000);

/** The webhook settings in Debian's Chromium: a failed delivery, redelivered with the button once the receiver is back. */
describe('web webhook settings', () => {
  let hub: TestHub;
  let page: Page;
  let close: () => Promise<void>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    receiver = await startReceiver();
    ({ hub, page, close } = await openBrowserOn(startTestHub({ listen: true, env: ENV })));
  });
  afterAll(async () => {
    await close?.();
    await receiver?.close();
  });

  it('an admin redelivers a failed delivery from the deliveries list', async () => {
    const owner = await registerUser(hub, uniqueName('hookowner').replace(/-/g, ''));
    const org = await createOrg(hub, owner, uniqueName('hookorg'));
    const hook = await createWebhook(hub, owner, org, `${receiver.base}/switch`);
    await createModel(hub, owner, { namespace: org, name: 'hooked' });
    const deliveries = async () =>
      (await hub.http().get(`/api/v1/orgs/${org}/webhooks/${hook}/deliveries`).set(owner.auth).expect(200)).body as {
        id: string;
        status: string;
        redeliveryOf: string | null;
      }[];
    const [failed] = await eventually(async () => {
      const list = await deliveries();
      return list[0]?.status === 'failed' && list;
    }, 30_000);

    await page.goto('/login');
    await page.getByLabel('Username or email').fill(owner.username);
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('username').waitFor();
    await page.goto('/settings/webhooks');
    const list = page.getByTestId('deliveries');
    await list.getByText('failed').waitFor();
    await screenshot(page, 'webhooks-failed');
    expect(await seriousViolations(page)).toEqual([]);

    receiver.switchOn = true;
    await list.getByRole('button', { name: `Redeliver: model.created ${failed.id}` }).click();
    await list.getByText('redelivery').waitFor();
    const got = await eventually(async () => receiver.received.find((r) => r.answered === 200), 20_000, 'the redelivery');
    expect(verify(got)).toBe(true);
    const [again] = await eventually(async () => {
      const all = await deliveries();
      return all[0]?.status === 'delivered' && all;
    }, 10_000);
    expect(again).toMatchObject({ redeliveryOf: failed.id });
    expect(got.headers['x-hub-delivery']).toBe(again.id);
    await page.reload();
    await list.getByText('delivered').waitFor();
    await screenshot(page, 'webhooks-redelivered');
    expect(await seriousViolations(page)).toEqual([]);
  });
});
