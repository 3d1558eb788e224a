import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { startEmbeddedStoreHub, type EmbeddedStoreHub } from '../support/embedded-store-hub';
import { ensureWebBuild, launchBrowser, screenshot, seriousViolations, signUpInBrowser } from './support/browser';

jest.setTimeout(120_000);

const MiB = 1024 * 1024;

/**
 * A browser upload whose part 2 cannot reach storage (every try aborted by the test): the page
 * shows the failure and offers to resume; the retry, on the same page or after a reload, sends
 * part 2 alone, completes, commits, and the file downloads byte for byte.
 */
describe('web upload: resumable after a failed part', () => {
  let hub: EmbeddedStoreHub;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const user = `resumer${Date.now().toString(36)}`;
  /** Part PUTs that left the browser, by part number; part 2 is refused while `refuse2` holds. */
  let puts: string[] = [];
  let refuse2 = true;

  const routeParts = async (p: Page) =>
    p.route('**/_storage/**', async (route: Route) => {
      const part = new URL(route.request().url()).searchParams.get('partNumber');
      if (route.request().method() === 'PUT' && part) {
        puts.push(part);
        if (part === '2' && refuse2) return route.abort('connectionreset');
      }
      return route.continue();
    });

  const newModel = async (name: string) => {
    await page.goto('/new');
    await page.getByLabel('Model name').fill(name);
    await page.getByRole('button', { name: 'Create model' }).click();
    await page.waitForURL(`**/${user}/${name}/upload/main`);
  };

  /** Picks the file, submits, and waits for the page to report part 2's failure. */
  const failOnPart2 = async (file: Buffer) => {
    puts = [];
    refuse2 = true;
    await page.getByTestId('file-input').setInputFiles([{ name: 'weights.bin', mimeType: 'application/octet-stream', buffer: file }]);
    await page.getByRole('button', { name: 'Upload and commit' }).click();
    await page
      .getByRole('alert')
      .getByText(/part 2/)
      .waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('upload-file').textContent()).toContain('failed');
    // Parts 1 and 3 once each; part 2 tried three times.
    expect([...puts].sort()).toEqual(['1', '2', '2', '2', '3']);
  };

  const downloadedBytes = async (name: string) => {
    await page.goto(`/${user}/${name}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download weights.bin' }).click()]);
    return readFile((await download.path())!);
  };

  beforeAll(async () => {
    ensureWebBuild();
    [hub, browser] = await Promise.all([
      startEmbeddedStoreHub({ MULTIPART_THRESHOLD: String(8 * MiB), MULTIPART_CHUNK_SIZE: String(5 * MiB) }),
      launchBrowser(),
    ]);
    context = await browser.newContext({ baseURL: hub.url, locale: 'en-US', acceptDownloads: true });
    page = await context.newPage();
    await routeParts(page);
    await signUpInBrowser(page, user);
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  it('shows the failed part and a resume button; resuming sends only part 2, commits, and the bytes download intact', async () => {
    const file = randomBytes(12 * MiB);
    await newModel('resumed-here');
    await failOnPart2(file);
    const resume = page.getByRole('button', { name: 'Resume the upload' });
    await resume.waitFor();
    await screenshot(page, 'upload-failed-part');
    expect(await seriousViolations(page)).toEqual([]);

    puts = [];
    refuse2 = false;
    await resume.click();
    await page.waitForURL(`**/${user}/resumed-here`);
    expect(puts).toEqual(['2']);
    expect((await downloadedBytes('resumed-here')).equals(file)).toBe(true);
  });

  it('resumes after a reload too: the stored parts are remembered in the browser, the file is dropped again, part 2 alone is sent', async () => {
    const file = randomBytes(11 * MiB);
    await newModel('resumed-after-reload');
    await failOnPart2(file);
    const remembered = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('hub.upload-parts:')).length);
    expect(remembered).toBe(1);

    await page.reload();
    puts = [];
    refuse2 = false;
    await page.getByTestId('file-input').setInputFiles([{ name: 'weights.bin', mimeType: 'application/octet-stream', buffer: file }]);
    await page.getByRole('button', { name: 'Upload and commit' }).click();
    await page.waitForURL(`**/${user}/resumed-after-reload`);
    expect(puts).toEqual(['2']);
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('hub.upload-parts:')).length)).toBe(0);
    expect((await downloadedBytes('resumed-after-reload')).equals(file)).toBe(true);
  });
});
