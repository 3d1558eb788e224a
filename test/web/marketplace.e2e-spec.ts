import type { Browser, BrowserContext, Page } from 'playwright-core';
import { eventually, modelWithCard } from '../discovery/support/discovery';
import { createOrg, registerUser, type TestUser } from '../support/factories';
import { startTestHub, type TestHub } from '../support/test-hub';
import { ensureWebBuild, launchBrowser, screenshot, seriousViolations } from './support/browser';

jest.setTimeout(60_000);

/** The web marketplace in Debian's Chromium against a listening hub that serves apps/web/dist. */
describe('web marketplace', () => {
  let hub: TestHub;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let publisher: TestUser;
  let org: string;
  const dialogs: string[] = [];

  beforeAll(async () => {
    ensureWebBuild();
    [hub, browser] = await Promise.all([startTestHub({ listen: true }), launchBrowser()]);
    publisher = await registerUser(hub);
    org = `webco${Date.now().toString(36)}`;
    await createOrg(hub, publisher, org);
    await hub.http().post(`/api/v1/admin/orgs/${org}/verify`).set(publisher.auth);
    await modelWithCard(hub, publisher, org, 'sentiment-zh', {
      meta: { license: 'apache-2.0', pipeline_tag: 'text-classification', language: ['zh', 'en'], tags: ['sentiment'] },
      body: [
        '# 中文情感分析模型',
        'Classifies the sentiment of Chinese product reviews.',
        '',
        '| split | accuracy |',
        '|---|---|',
        '| test | 0.93 |',
        '',
        '<script>window.__pwned = "script"</script>',
        '<img src="x" onerror="window.__pwned = \'onerror\'">',
        "[click me](javascript:window.__pwned='link')",
        '<a href="javascript:window.__pwned=\'html-link\'">html link</a>',
      ].join('\n'),
    });
    await hub.http().post(`/api/v1/models/${org}/sentiment-zh/versions`).set(publisher.auth).send({ name: 'v1.0', notes: 'First release' }).expect(201);
    await modelWithCard(hub, publisher, org, 'hidden', { meta: { license: 'mit' }, body: '# Secret model' }, { visibility: 'private' });
    await modelWithCard(hub, publisher, org, 'image-net', { meta: { license: 'mit', pipeline_tag: 'image-classification' }, body: '# Image classifier' });
    await eventually(
      () =>
        hub
          .http()
          .get('/api/v1/search?q=情感')
          .then((r) => r.body.total as number),
      (n) => n > 0,
    );
    context = await browser.newContext({ baseURL: hub.url, locale: 'en-US' });
    page = await context.newPage();
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await hub?.close();
  });

  it('signs up, signs out and signs in again with the email; the session is an httpOnly cookie', async () => {
    const username = `webuser${Date.now().toString(36)}`;
    await page.goto('/join');
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Email').fill(`${username}@example.org`);
    await page.getByLabel('Password').fill('short');
    // The browser's own check stops a short password; the hub's message shows for what passes it.
    await page.getByLabel('Password').fill('correct-horse-battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByTestId('username').waitFor();
    expect(await page.getByTestId('username').textContent()).toBe(username);

    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'hub_session')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    expect(await page.evaluate(() => document.cookie)).not.toContain('hub_session');

    await page.reload();
    await page.getByTestId('username').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Username or email').fill(`${username}@example.org`);
    await page.getByLabel('Password').fill('wrong-password-here');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/Request id: \S+/);
    await page.getByLabel('Password').fill('correct-horse-battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('username').waitFor();
    await screenshot(page, 'landing');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('searches in Chinese from the landing page, with facets and the state in the URL', async () => {
    await page.goto('/');
    await page.getByRole('searchbox').fill('情感分析');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/\/models\?q=/);
    const results = page.getByTestId('results');
    await results.getByRole('link', { name: `${org}/sentiment-zh` }).waitFor();
    expect(await results.textContent()).not.toContain('image-net');
    expect(await results.textContent()).toContain('verified');

    await page.goto('/models?task=image-classification');
    await page
      .getByTestId('results')
      .getByRole('link', { name: `${org}/image-net` })
      .waitFor();
    expect(await page.getByTestId('results').textContent()).not.toContain('sentiment-zh');
    expect(await page.getByRole('link', { name: /text-classification 1/ }).count()).toBe(1);
    await screenshot(page, 'search');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('finds a model with a typo, filters to verified organizations, and shows the organization page', async () => {
    await page.goto('/models?q=sentimnet');
    await page
      .getByTestId('results')
      .getByRole('link', { name: `${org}/sentiment-zh` })
      .waitFor();
    // Each switch shows how many matches it keeps: sentiment-zh is verified and apache-2.0.
    expect(await page.locator('label.toggle', { hasText: 'Verified organizations only' }).textContent()).toMatch(/only 1$/);
    expect(await page.locator('label.toggle', { hasText: 'Commercial use allowed' }).textContent()).toMatch(/allowed 1$/);
    await page.getByLabel('Verified organizations only').check();
    await page.waitForURL(/verified=true/);
    await page
      .getByTestId('results')
      .getByRole('link', { name: `${org}/sentiment-zh` })
      .waitFor();

    await page.goto(`/${org}`);
    await page.getByRole('heading', { level: 1, name: new RegExp(org) }).waitFor();
    expect(await page.locator('h1 .verified').count()).toBe(1);
    await page.getByRole('link', { name: `${org}/image-net` }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.goto('/nobody-by-this-name');
    await page.getByTestId('not-found').waitFor();
  });

  it('renders the model card sanitized, with its files, versions and commits', async () => {
    await page.goto(`/${org}/sentiment-zh`);
    const card = page.getByTestId('card');
    await card.waitFor();
    expect(await card.locator('h1').textContent()).toBe('中文情感分析模型');
    expect(await card.locator('table td').first().textContent()).toBe('test');
    expect(await card.locator('script, [onerror], a[href^="javascript:" i]').count()).toBe(0);
    for (const link of await card.locator('a').all()) await link.click({ modifiers: ['Alt'] }).catch(() => undefined);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    await page.getByRole('link', { name: 'README.md', exact: true }).waitFor();
    expect(await page.getByRole('link', { name: 'Download README.md' }).getAttribute('href')).toBe(`/${org}/sentiment-zh/resolve/main/README.md?download=true`);
    expect(await page.getByText('Add model card').count()).toBe(1);
    expect(await page.getByText('First release').count()).toBe(1);
    await page.getByRole('link', { name: 'v1.0' }).click();
    await page.waitForURL(/\/tree\/v1\.0$/);
    await page.getByRole('heading', { name: 'Files' }).waitFor();
    expect(await page.getByTestId('revision').inputValue()).toBe('v1.0');
    await screenshot(page, 'model');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('shows a small file at a revision: Markdown rendered and sanitized, with the way back to its folder', async () => {
    await page.goto(`/${org}/sentiment-zh/blob/v1.0/README.md`);
    const view = page.getByTestId('file-view');
    await view.waitFor();
    expect(await view.locator('h1').textContent()).toBe('中文情感分析模型');
    expect(await view.locator('script, [onerror]').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
  });

  it('shows a private model as the 404 page to a visitor who may not see it', async () => {
    const visitor = await browser.newContext({ baseURL: hub.url });
    try {
      const other = await visitor.newPage();
      await other.goto(`/${org}/hidden`);
      await other.getByTestId('not-found').waitFor();
      expect(await other.getByText('Secret model').count()).toBe(0);
    } finally {
      await visitor.close();
    }
  });

  it('holds its layout at 360 px: no sideways scrolling on the search and model pages', async () => {
    const phone = await browser.newContext({ baseURL: hub.url, viewport: { width: 360, height: 740 } });
    try {
      const small = await phone.newPage();
      for (const path of ['/', '/models?q=sentiment', `/${org}/sentiment-zh`]) {
        await small.goto(path);
        await small.locator('main').first().waitFor();
        await small.waitForLoadState('networkidle');
        expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      }
      await screenshot(small, 'model-360');
    } finally {
      await phone.close();
    }
  });

  it('lets the page reach an external bucket (browser uploads send parts to its presigned URLs), and no other origin', async () => {
    const res = await page.goto('/');
    const csp = res!.headers()['content-security-policy'];
    const connect = /connect-src ([^;]+)/.exec(csp)![1].split(' ');
    expect(connect).toEqual(["'self'", new URL(hub.config.s3.endpoint).origin]);
  });

  it('switches to Chinese, and keeps the choice', async () => {
    await page.goto('/models');
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('button', { name: '搜索' }).waitFor();
    await page.reload();
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await page.getByLabel('语言').selectOption('en');
  });

  it('shows a 404 page with status 404 for unknown paths and models; API routes keep their JSON', async () => {
    const res = await page.goto('/no/such/page/here');
    expect(res!.status()).toBe(404);
    await page.getByTestId('not-found').waitFor();
    await page.goto(`/${org}/no-such-model`);
    await page.getByTestId('not-found').waitFor();

    const api = await page.goto('/api/v1/models/nobody/nothing');
    expect(api!.status()).toBe(404);
    expect(await api!.json()).toMatchObject({ code: expect.any(String), requestId: expect.any(String) });
    const resolve = await page.request.get(`/${org}/sentiment-zh/resolve/main/README.md`, { headers: { Accept: 'text/html' } });
    expect(await resolve.text()).toContain('中文情感分析模型');

    // The front page to any client that does not ask for JSON (curl's `*/*`, no Accept at all).
    for (const accept of ['*/*', undefined]) {
      const request = hub.http().get('/');
      const front = await (accept ? request.set('Accept', accept) : request).expect(200);
      expect(front.headers['content-type']).toMatch(/^text\/html/);
    }
    await hub.http().get('/').set('Accept', 'application/json').expect(404);
    expect((await hub.http().get('/no/such/page/here').set('Accept', '*/*').expect(404)).headers['content-type']).toMatch(/json/);
  });
});
