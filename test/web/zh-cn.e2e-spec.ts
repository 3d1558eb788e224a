import type { Page } from 'playwright-core';
import { put } from '../registry/commits-support';
import { customClassPickle, stateDictPickle } from '../discovery/support/checkpoints';
import { eventually, modelWithCard } from '../discovery/support/discovery';
import { createOrg, registerUser, type TestUser } from '../support/factories';
import { startTestHub, type TestHub } from '../support/test-hub';
import { openBrowserOn, screenshot } from './support/browser';

jest.setTimeout(90_000);

/**
 * The UI's own words on a page that are still English: every text node and labelling attribute
 * (aria-label, title, placeholder, alt) outside the card, code and the language picker, once the
 * page's data (names, paths, licence and task ids, commit titles) is taken out.
 */
function englishLeft(page: Page, data: string[]): Promise<string[]> {
  return page.evaluate((data) => {
    const skip = 'script, style, pre, code, [data-testid="card"], label.lang';
    const strings: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) if (!n.parentElement?.closest(skip)) strings.push(n.textContent ?? '');
    for (const el of document.body.querySelectorAll('[aria-label], [title], [placeholder], [alt]'))
      if (!el.closest(skip)) for (const a of ['aria-label', 'title', 'placeholder', 'alt']) strings.push(el.getAttribute(a) ?? '');
    const byLength = [...data].sort((a, b) => b.length - a.length);
    return strings
      .map((s) => byLength.reduce((rest, d) => rest.split(d).join(' '), s))
      .filter((s) => /[A-Za-z]{2,}/.test(s))
      .map((s) => s.trim());
  }, data);
}

/** With the browser's language zh-CN the marketplace speaks Chinese (labels, counts, scan status), and the switch changes it. */
describe('web marketplace in Chinese (zh-CN)', () => {
  let hub: TestHub;
  let page: Page;
  let close: () => Promise<void>;
  let publisher: TestUser;
  let org: string;
  let model: string;

  beforeAll(async () => {
    ({ hub, page, close } = await openBrowserOn(startTestHub({ listen: true }), { locale: 'zh-CN' }));
    publisher = await registerUser(hub);
    org = `zhco${Date.now().toString(36)}`;
    await createOrg(hub, publisher, org);
    await hub.http().post(`/api/v1/admin/orgs/${org}/verify`).set(publisher.auth);
    model = await modelWithCard(
      hub,
      publisher,
      org,
      'qinggan',
      {
        meta: { license: 'apache-2.0', pipeline_tag: 'text-classification', language: ['zh'], tags: ['sentiment'] },
        body: '# 情感分析\n\nEnglish inside the card is data.',
      },
      { files: [put('legacy/model.pt', stateDictPickle()), put('training_args.bin', customClassPickle())] },
    );
    await hub.http().post(`/api/v1/models/${model}/versions`).set(publisher.auth).send({ name: 'v1.0', notes: '第一版' }).expect(201);
    await eventually(
      () =>
        hub
          .http()
          .get('/api/v1/search?q=情感')
          .then((r) => r.body.total as number),
      (n) => n > 0,
    );
    await eventually(
      () =>
        hub
          .http()
          .get(`/api/v1/models/${model}/files?recursive=true`)
          .then((r) => (r.body.entries as { security?: { status: string } }[]).filter((e) => e.security && e.security.status !== 'pending').length),
      (n) => n === 2,
    );
  });
  afterAll(() => close?.());

  const data = () => [
    model,
    org,
    publisher.username,
    'qinggan',
    'apache-2.0',
    'text-classification',
    'sentiment',
    'legacy/model.pt',
    'model.pt',
    'training_args.bin',
    'README.md',
    '.gitattributes',
    'legacy',
    'v1.0',
    'main',
    'Add model card',
    'Initial commit',
    'LFS',
    'KB',
    'MB',
    // The snippets' tab names are the names of the libraries and tools.
    'huggingface_hub',
    '@huggingface/hub',
    'curl',
    'Python',
    'JavaScript',
    'zh',
  ];

  it('picks Chinese from the browser language: the sign-in form, the landing page with no English label left', async () => {
    await page.goto('/login');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await page.getByLabel('用户名或邮箱').fill(publisher.username);
    await page.getByLabel('密码').fill(publisher.password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByTestId('username').waitFor();
    await page.getByRole('heading', { level: 1, name: '联盟模型库' }).waitFor();
    await page.getByRole('link', { name: model }).waitFor();
    expect(await page.title()).toBe('模型中心');
    await screenshot(page, 'zh-landing');
    expect(await englishLeft(page, data())).toEqual([]);
  });

  it('searches with Chinese labels and counts', async () => {
    await page.getByRole('searchbox').fill('情感');
    await page.getByRole('button', { name: '搜索' }).click();
    await page.waitForURL(/\/models\?q=/);
    await page.getByTestId('results').getByRole('link', { name: model }).waitFor();
    expect(await page.getByTestId('total').textContent()).toBe('共 1 个模型');
    expect(await page.getByLabel('排序').count()).toBe(1);
    expect(await englishLeft(page, data())).toEqual([]);
  });

  it('shows the model page in Chinese: metadata, files with the translated scan status, versions, snippets', async () => {
    await page.goto(`/${model}`);
    await page.getByTestId('card').waitFor();
    await page.getByRole('heading', { name: '文件' }).waitFor();
    await page.getByRole('heading', { name: '版本' }).waitFor();
    expect(await page.getByText('许可证：apache-2.0').count()).toBe(1);
    await page.getByRole('link', { name: 'legacy', exact: false }).click();
    await page.getByTestId('scan-status').waitFor();
    expect(await page.getByTestId('scan-status').textContent()).toBe('扫描：安全');
    await screenshot(page, 'zh-model-folder');
    expect(await englishLeft(page, data())).toEqual([]);
    await page.goto(`/${model}`);
    await page.getByTestId('card').waitFor();
    expect(await page.getByTestId('scan-status').textContent()).toBe('扫描：可疑导入');
    await page.waitForLoadState('networkidle');
    await screenshot(page, 'zh-model');
    expect(await englishLeft(page, data())).toEqual([]);
  });

  it('switches to English (plurals read right) and back; the choice is kept over a reload', async () => {
    await page.goto('/models?q=情感');
    await page.getByLabel('语言').selectOption('en');
    await page.getByRole('button', { name: 'Search' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.getByTestId('results').getByRole('link', { name: model }).waitFor();
    expect(await page.getByTestId('total').textContent()).toBe('1 model');
    await page.reload();
    await page.getByRole('button', { name: 'Search' }).waitFor();
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('button', { name: '搜索' }).waitFor();
    await page.goto(`/${org}`);
    await page.getByRole('heading', { level: 1, name: new RegExp(org) }).waitFor();
    expect(await page.getByText('成员').count()).toBeGreaterThan(0);
    expect(await englishLeft(page, data())).toEqual([]);
  });
});
