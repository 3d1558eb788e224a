import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createModelWithFiles, eventually, grantTo, publishOffer, requestOffer, uniqueName, type GatedModel } from '../licensing/licensing-support';
import { ENV, startReceiver } from '../licensing/webhook-receiver';
import { createOrg, registerUser, type TestUser } from '../support/factories';
import { startTestHub, type TestHub } from '../support/test-hub';
import { ensureWebBuild, launchBrowser, screenshot, seriousViolations, signInInBrowser } from './support/browser';

jest.setTimeout(120_000);

/**
 * The publisher's and the platform administrator's pages through the UI, for what the whole story
 * leaves out: a webhook created (secret once) whose deliveries show and redeliver, a request
 * rejected with a reason the buyer reads, an offer edited (a new terms version only when the
 * terms change), the audit log, the usage CSV downloaded from its link, a grant revoked, one
 * notification marked read, and the administrator's verify action. Fixtures come from the API.
 */
describe('web: publisher and administrator pages', () => {
  let hub: TestHub;
  let browser: Browser;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let admin: TestUser;
  let publisher: TestUser;
  let buyer: TestUser;
  let pubOrg: string;
  let buyerOrg: string;
  let model: GatedModel;
  let offerId: string;
  const contexts: BrowserContext[] = [];
  let pub: Page;

  const signedIn = async (user: TestUser) => {
    const context = await browser.newContext({ baseURL: hub.url, locale: 'en-US', acceptDownloads: true });
    contexts.push(context);
    const page = await context.newPage();
    await signInInBrowser(page, user);
    return page;
  };
  const axeClean = async (page: Page, name: string) => {
    await screenshot(page, `admin-${name}`);
    expect(await seriousViolations(page)).toEqual([]);
  };

  beforeAll(async () => {
    ensureWebBuild();
    receiver = await startReceiver();
    [hub, browser] = await Promise.all([startTestHub({ listen: true, env: ENV }), launchBrowser()]);
    // The first account is the platform administrator.
    admin = await registerUser(hub, uniqueName('root').replace(/-/g, ''));
    publisher = await registerUser(hub, uniqueName('pub').replace(/-/g, ''));
    buyer = await registerUser(hub, uniqueName('buyer').replace(/-/g, ''));
    pubOrg = await createOrg(hub, publisher, uniqueName('pubco'));
    buyerOrg = await createOrg(hub, buyer, uniqueName('buyco'));
    model = await createModelWithFiles(hub, publisher, pubOrg, 'gated-one');
    offerId = (await publishOffer(hub, publisher, model.id)).id;
    expect((await requestOffer(hub, buyer, offerId, { org: buyerOrg, termsVersion: 1 })).status).toBe(201);
    pub = await signedIn(publisher);
  });

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await hub?.close();
    await receiver?.close();
  });

  it('creates a webhook: the signing secret is shown once', async () => {
    await pub.goto('/settings/webhooks');
    await pub.getByLabel('Target URL').fill(`${receiver.base}/ok`);
    await pub.getByLabel('Description').fill('licence events');
    await pub.getByRole('button', { name: 'Create webhook' }).click();
    const secret = pub.getByTestId('secret');
    await secret.waitFor();
    expect((await secret.textContent())!.length).toBeGreaterThan(20);
    await pub.getByTestId('webhook').getByText(`${receiver.base}/ok`).waitFor();
    await axeClean(pub, 'webhook-created');
    await pub.reload();
    await pub.getByTestId('webhook').waitFor();
    expect(await pub.getByTestId('secret').count()).toBe(0);
  });

  it('rejects a request with a reason, which the buyer reads on the model page', async () => {
    await pub.goto(`/${model.id}/licensing`);
    const request = pub.getByTestId('incoming-request');
    await request.getByText(buyerOrg).waitFor();
    await request.getByLabel('Reason for rejecting').fill('Territory not covered');
    await request.getByRole('button', { name: 'Reject' }).click();
    await request.getByText('Reason: Territory not covered').waitFor();
    expect(await request.locator('.badge').first().textContent()).toBe('rejected');

    const buyerPage = await signedIn(buyer);
    await buyerPage.goto(`/${model.id}`);
    await buyerPage.getByText('Your request was rejected: Territory not covered').waitFor();
    await axeClean(buyerPage, 'rejected');
  });

  it('edits the offer: a title alone keeps the terms version, new terms make version 2; the audit log records both', async () => {
    await pub.goto(`/${model.id}/licensing`);
    const offer = pub.getByTestId('offer');
    await offer.getByRole('button', { name: 'Edit offer' }).click();
    const form = pub.getByRole('form', { name: 'Edit offer' });
    await form.getByLabel('Title').fill('Commercial licence (EU)');
    await form.getByRole('button', { name: 'Save' }).click();
    await offer.getByRole('heading', { name: 'Commercial licence (EU)' }).waitFor();
    expect(await offer.getByTestId('terms-version').textContent()).toBe('1');

    await offer.getByRole('button', { name: 'Edit offer' }).click();
    await form.getByLabel('Terms (Markdown)').fill('# Commercial licence v2\n\nUse in the EU and in Switzerland.');
    await form.getByRole('button', { name: 'Save' }).click();
    await offer.getByTestId('offer-terms').getByRole('heading', { name: 'Commercial licence v2' }).waitFor();
    expect(await offer.getByTestId('terms-version').textContent()).toBe('2');
    const audit = await pub.getByTestId('audit-log').textContent();
    expect(audit).toContain('offer updated');
    expect(audit).toContain('request rejected');
    await axeClean(pub, 'licensing');
  });

  it('lists the webhook deliveries with their status, and redelivers one', async () => {
    // Deliveries go out through the job queue: wait for the rejection's, then read the page.
    const [hook] = (await hub.http().get(`/api/v1/orgs/${pubOrg}/webhooks`).set(publisher.auth).expect(200)).body as { id: string }[];
    await eventually(
      async () => {
        const deliveries = (await hub.http().get(`/api/v1/orgs/${pubOrg}/webhooks/${hook.id}/deliveries`).set(publisher.auth)).body as {
          event: string;
          status: string;
        }[];
        return deliveries.some((d) => d.event === 'license.rejected' && d.status === 'delivered');
      },
      30_000,
      'the delivery of license.rejected',
    );
    await pub.goto('/settings/webhooks');
    const list = pub.getByTestId('deliveries');
    await list.getByText('license.rejected').waitFor();
    await list.getByText('delivered').first().waitFor();
    const before = receiver.received.length;
    await list.getByRole('button', { name: /^Redeliver: license\.rejected/ }).click();
    await list.getByText('redelivery').waitFor();
    await eventually(async () => receiver.received.length > before, 20_000, 'the redelivery');
    await axeClean(pub, 'deliveries');
  });

  it('downloads the usage report as CSV from its link, and revokes the grant', async () => {
    await grantTo(hub, buyer, buyerOrg, offerId, publisher, {}, 2);
    await hub.http().get(`/${model.id}/resolve/main/${model.configPath}`).set(buyer.auth).expect(200);
    await pub.goto(`/${model.id}/licensing`);
    await pub
      .getByTestId('usage-chart')
      .getByRole('rowheader', { name: `${buyerOrg} (1 user)` })
      .waitFor();
    const [download] = await Promise.all([pub.waitForEvent('download'), pub.getByRole('link', { name: 'Download CSV' }).click()]);
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv.split('\n')[0]).toMatch(/licensee/i);
    expect(csv).toContain(buyerOrg);

    const grant = pub.getByTestId('grant-row');
    await grant.getByPlaceholder('Reason for revoking').fill('Contract ended');
    await grant.getByRole('button', { name: 'Revoke' }).click();
    await grant.getByText('revoked').waitFor();
    expect(await pub.getByTestId('audit-log').textContent()).toContain('grant revoked');
  });

  it('marks one notification read: the count in the header goes down by one', async () => {
    await pub.goto('/settings/notifications');
    const bell = pub.getByTestId('notifications-link');
    await pub.getByTestId('notification').first().waitFor();
    const unread = async () => Number(/(\d+) unread/.exec((await bell.getAttribute('aria-label')) ?? '')?.[1]);
    await eventually(async () => (await unread()) > 0, 10_000, 'an unread notification');
    const before = await unread();
    await pub
      .getByRole('button', { name: /^Mark read/ })
      .first()
      .click();
    await pub.getByRole('link', { name: `Notifications: ${before - 1} unread` }).waitFor();
    await axeClean(pub, 'notifications');
  });

  it("the platform administrator verifies the publisher's organization from its page; others see no such button", async () => {
    await pub.goto(`/${pubOrg}`);
    await pub.getByTestId('member').first().waitFor();
    expect(await pub.getByRole('button', { name: 'Verify this organization' }).count()).toBe(0);

    const root = await signedIn(admin);
    await root.goto(`/${pubOrg}`);
    await root.getByRole('button', { name: 'Verify this organization' }).click();
    await root.getByRole('button', { name: 'Withdraw verification' }).waitFor();
    expect(await root.locator('h1 .verified').count()).toBe(1);
    await axeClean(root, 'org-verified');
    await pub.reload();
    await pub.locator('h1 .verified').waitFor();
  });
});
