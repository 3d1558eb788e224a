import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import axe from 'axe-core';
import { type Browser, chromium, type Page } from 'playwright-core';

const ROOT = resolve(__dirname, '../../..');
const WEB = join(ROOT, 'apps/web');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(ROOT, '.test-data/screenshots');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds apps/web into dist/ (what the hub serves) unless the build is newer than every source. */
export function ensureWebBuild(): void {
  const index = join(WEB, 'dist/index.html');
  const sources = Math.max(newestMtime(join(WEB, 'src')), statSync(join(WEB, 'index.html')).mtimeMs, statSync(join(WEB, 'vite.config.ts')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs > sources) return;
  execFileSync(join(ROOT, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], { cwd: WEB, stdio: 'inherit' });
}

/** Debian's Chromium (Playwright cannot download a browser here), with a font for Chinese pages: installed with apt when missing and root. */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  if (process.getuid?.() !== 0) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)`);
  const apt = (args: string[]) => execFileSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  try {
    apt(['install', '-y', 'chromium', 'fonts-wqy-microhei']);
  } catch {
    apt(['update']);
    apt(['install', '-y', 'chromium', 'fonts-wqy-microhei']);
  }
}

export async function launchBrowser(): Promise<Browser> {
  ensureChromium();
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A hub (started by `start`) and a browser with one page on it (English unless `locale` says), for a describe block; `close` ends both. */
export async function openBrowserOn<H extends { url?: string; close(): Promise<unknown> }>(start: Promise<H>, options: { locale?: string } = {}) {
  ensureWebBuild();
  const [hub, browser] = await Promise.all([start, launchBrowser()]);
  const context = await browser.newContext({ baseURL: hub.url, locale: options.locale ?? 'en-US' });
  const page = await context.newPage();
  const close = async () => {
    await context.close();
    await browser.close();
    await hub.close();
  };
  return { hub, browser, context, page, close };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * axe-core in the page; the serious and critical violations (none is the bar). Evaluated through
 * the DevTools protocol: an added <script> tag would be inline, which the hub's CSP refuses.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  const already = await page.evaluate(() => 'axe' in window);
  if (!already) await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: () => Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** Signs up through the join page (English UI), waiting until the header shows the account. */
export async function signUpInBrowser(page: Page, username: string, password = 'correct-horse-battery'): Promise<void> {
  await page.goto('/join');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Email').fill(`${username}@example.org`);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByTestId('username').waitFor();
}

/** Signs in through the login page (English UI), waiting until the header shows the account. */
export async function signInInBrowser(page: Page, user: { username: string; password: string }): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Username or email').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('username').waitFor();
}
