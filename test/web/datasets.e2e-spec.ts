import type { Page } from 'playwright-core';
import { eventually } from '../licensing/licensing-support';
import { commit, put } from '../registry/commits-support';
import { startEmbeddedStoreHub, type EmbeddedStoreHub } from '../support/embedded-store-hub';
import { registerUser } from '../support/factories';
import { createModel } from '../support/models';
import { openBrowserOn, screenshot, seriousViolations } from './support/browser';

jest.setTimeout(120_000);

const ROWS = 250;
/** A CSV of ROWS rows, larger than the test's LFS threshold: it goes through LFS to the store, as large data files do. */
const csv = ['id,text,score', ...Array.from({ length: ROWS }, (_, i) => `${i + 1},"review ${i + 1}, kept",${(i % 5) / 4}`)].join('\n') + '\n';
const card = [
  '---',
  'license: cc-by-nc-4.0',
  'task_categories: [text-classification]',
  'language: [en]',
  'size_categories: [n<1K]',
  'pretty_name: Reviews',
  '---',
  '',
  '# Reviews',
  '',
  'Short product reviews with a score.',
  '',
].join('\n');

/** Datasets in Debian's Chromium: created and uploaded through the UI, its page with the preview, the datasets search. */
describe('web marketplace: datasets', () => {
  let hub: EmbeddedStoreHub;
  let page: Page;
  let close: () => Promise<void>;
  const user = `dsweb${Date.now().toString(36)}`;
  const dataset = `${user}/reviews`;

  const axeClean = async (name: string) => {
    await screenshot(page, `datasets-${name}`);
    expect(await seriousViolations(page)).toEqual([]);
  };

  beforeAll(async () => {
    ({ hub, page, close } = await openBrowserOn(startEmbeddedStoreHub({ LFS_THRESHOLD_BYTES: '1024' })));
  });
  afterAll(() => close?.());

  it('a publisher creates a dataset and uploads a CSV through the UI; its page previews the rows', async () => {
    await page.goto('/join');
    await page.getByLabel('Username').fill(user);
    await page.getByLabel('Email').fill(`${user}@example.org`);
    await page.getByLabel('Password').fill('correct-horse-battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByTestId('username').waitFor();

    await page.getByRole('link', { name: 'New model' }).click();
    await page.getByLabel('Dataset', { exact: true }).check();
    await page.getByLabel('Dataset name').fill('reviews');
    await axeClean('new');
    await page.getByRole('button', { name: 'Create dataset' }).click();
    await page.waitForURL(`**/datasets/${dataset}/upload/main`);
    await page.getByTestId('file-input').setInputFiles([
      { name: 'README.md', mimeType: 'text/markdown', buffer: Buffer.from(card) },
      { name: 'train.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) },
    ]);
    await page.getByLabel('Commit message').fill('First reviews');
    await page.getByLabel('Publish as version (optional)').fill('v1.0');
    await page.getByRole('button', { name: 'Upload and commit' }).click();
    await page.waitForURL(`**/datasets/${dataset}/tree/v1.0`);

    // Through the dataset routes, the CSV is an LFS file in the store; the model of the same name does not exist.
    const files = await hub.http().get(`/api/v1/datasets/${dataset}/files?revision=v1.0`).set('Accept', 'application/json').expect(200);
    expect(files.body.entries.find((e: { path: string }) => e.path === 'train.csv')).toMatchObject({ size: csv.length, lfs: expect.anything() });
    await hub.http().get(`/api/v1/models/${dataset}`).set('Accept', 'application/json').expect(404);

    await page.goto(`/datasets/${dataset}`);
    await page.getByTestId('card').getByRole('heading', { name: 'Reviews' }).waitFor();
    const preview = page.getByTestId('preview');
    await preview.waitFor();
    const headers = await preview.locator('thead th').allTextContents();
    expect(headers.map((h) => h.split(' ')[0])).toEqual(['id', 'text', 'score']);
    const firstRow = await preview.locator('tbody tr').first().locator('td').allTextContents();
    expect(firstRow).toEqual(['1', 'review 1, kept', '0']);
    expect(await preview.locator('tbody tr').count()).toBe(100);
    expect(await page.getByTestId('preview-count').textContent()).toMatch(/first 100 of 250 rows|first 100 rows/);
    await page.getByRole('link', { name: 'v1.0' }).waitFor();
    await page.getByRole('heading', { name: 'Use this dataset' }).waitFor();
    expect(await page.getByTestId('snippet').textContent()).toContain('repo_type="dataset"');
    // The only dataset: first in the datasets' trending order.
    expect(await page.getByTestId('trending-rank').textContent()).toBe('#1 in trending');
    await axeClean('page');

    // Discussions and pull requests of a dataset: the model's pages under /datasets.
    await page.getByRole('link', { name: 'Discussions and pull requests' }).click();
    await page.waitForURL(`**/datasets/${dataset}/discussions`);
    await page.getByRole('heading', { name: `${dataset} · Discussions and pull requests` }).waitFor();

    // A file's page previews a data file instead of showing its text.
    await page.goto(`/datasets/${dataset}/blob/main/train.csv`);
    await page.getByTestId('preview').waitFor();
    expect(await page.getByTestId('file-view').count()).toBe(0);

    // The download link is the API's, not the app's, even for a browser navigation.
    const download = await hub.http().get(`/datasets/${dataset}/resolve/main/train.csv`).set('Accept', 'text/html').redirects(2);
    expect(download.status).toBe(200);
    expect(download.text ?? download.body.toString()).toContain('review 250, kept');
  });

  it('the datasets search lists the dataset with its facets; the models search does not', async () => {
    await page.goto('/datasets');
    await page.getByTestId('results').getByRole('link', { name: dataset }).waitFor();
    // The facets the hub counts for datasets: the card's categories and the files' format.
    await page.getByRole('link', { name: 'csv 1' }).click();
    await page.waitForURL('**/datasets?format=csv');
    await page.getByTestId('results').getByRole('link', { name: dataset }).waitFor();
    expect(await page.getByTestId('total').textContent()).toBe('1 dataset');
    await page.getByRole('link', { name: 'n<1K 1' }).waitFor();
    await axeClean('search');
    // The owner's page lists its datasets beside its models.
    await page.goto(`/${user}`);
    await page.getByTestId('org-datasets').getByRole('link', { name: dataset }).waitFor();
    await page.goto('/models');
    await page.waitForFunction(() => document.querySelector('[data-testid="total"]')?.textContent);
    expect(await page.getByTestId('results').getByRole('link', { name: dataset }).count()).toBe(0);

    await page.goto('/datasets');
    await page.getByLabel('Search datasets').fill('reviews');
    await page.getByRole('search').getByRole('button').click();
    await page.waitForURL('**/datasets?q=reviews');
    await page.getByTestId('results').getByRole('link', { name: dataset }).click();
    await page.waitForURL(`**/datasets/${dataset}`);
    await page.getByTestId('preview').waitFor();
  });

  it('lineage on both pages: the model trained on the dataset warns of its non-commercial licence; a private base is counted, not named', async () => {
    const [trainer, secretOwner] = await Promise.all([registerUser(hub), registerUser(hub)]);
    const base = await createModel(hub, secretOwner, { name: 'secret-base', visibility: 'private' });
    await commit(hub, secretOwner, base.id, [put('README.md', '---\nlicense: apache-2.0\n---\n')]);
    const model = await createModel(hub, trainer, { name: 'sentiment' });
    const readme = `---\nlicense: apache-2.0\ndatasets:\n- ${dataset}\nbase_model: ${base.id}\n---\n# Sentiment\n`;
    await commit(hub, trainer, model.id, [put('README.md', readme)]);
    await eventually(
      async () => (await hub.http().get(`/api/v1/models/${model.id}`).set('Accept', 'application/json')).body.licenseConflicts?.length > 0,
      20_000,
    );

    await page.goto(`/${model.id}`);
    const warning = page.getByTestId('license-conflict');
    await warning.waitFor();
    expect(await warning.textContent()).toContain(`${dataset} (cc-by-nc-4.0)`);
    const up = page.getByTestId('lineage-up');
    await up.getByRole('link', { name: dataset }).waitFor();
    expect(await up.textContent()).toContain('cc-by-nc-4.0');
    expect(await up.textContent()).toContain('1 more you may not see');
    expect(await up.textContent()).not.toContain('secret-base');
    await screenshot(page, 'datasets-lineage-model');
    expect(await seriousViolations(page)).toEqual([]);

    await page.goto(`/datasets/${dataset}`);
    await page.getByTestId('lineage-down').getByRole('link', { name: model.id }).waitFor();
    await axeClean('lineage-dataset');

    await page.goto('/models?licenseConflict=true');
    await page.getByTestId('results').getByRole('link', { name: model.id }).waitFor();
    await page.getByLabel(/Upstream licence conflict/).waitFor();
  });
});
