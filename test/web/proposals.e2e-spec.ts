import type { Page } from 'playwright-core';
import { createOrg, createToken, registerUser } from '../support/factories';
import { createModel } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';
import { file, hfCommit, header, ndjson, prNumberOf } from '../proposals/proposals-support';
import { openBrowserOn, screenshot, seriousViolations } from './support/browser';

jest.setTimeout(60_000);

/** The proposals pages in Debian's Chromium: list, conversation, diff, review and merge with a version. */
describe('web proposals pages', () => {
  let hub: TestHub;
  let page: Page;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ hub, page, close } = await openBrowserOn(startTestHub({ listen: true })));
  });
  afterAll(() => close?.());

  it('a member reviews and merges an outsider’s pull request as a version from the conversation page', async () => {
    const owner = await registerUser(hub, 'webpropowner');
    const outsider = await registerUser(hub, 'webpropoutsider');
    const ownerToken = await createToken(hub, owner, ['write']);
    const outsiderToken = await createToken(hub, outsider, ['write']);
    const org = await createOrg(hub, owner, 'webprop-org');
    await createModel(hub, owner, { namespace: org, name: 'model' });
    const repo = `${org}/model`;
    await hfCommit(hub, ownerToken, repo, ndjson(header('init'), file('config.json', '{"layers": 2}\n'))).expect(200);
    const opened = await hfCommit(hub, outsiderToken, repo, ndjson(header('More layers'), file('config.json', '{"layers": 4}\n')), { createPr: true }).expect(
      200,
    );
    const number = prNumberOf(opened.body.pullRequestUrl);

    // The member signs up in the browser, then joins the organization.
    await page.goto('/join');
    await page.getByLabel('Username').fill('webpropmember');
    await page.getByLabel('Email').fill('webpropmember@example.org');
    await page.getByLabel('Password').fill('correct-horse-battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByTestId('username').waitFor();
    await hub.http().post(`/api/v1/orgs/${org}/members`).set(owner.auth).send({ username: 'webpropmember', role: 'member' }).expect(201);

    await page.goto(`/${repo}`);
    await page.getByRole('link', { name: 'Discussions and pull requests' }).click();
    await page.getByTestId('proposal').first().waitFor();
    await screenshot(page, 'proposals-list');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('link', { name: `#${number} More layers` }).click();
    await page.getByTestId('proposal-file').first().waitFor();
    expect(await page.getByTestId('proposal-file').first().textContent()).toContain('+{"layers": 4}');

    await page.getByLabel('Review comment').fill('Nice');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('Approved: Nice').waitFor();
    await page.getByLabel('Publish as version (optional)').fill('v2.0.0');
    await page.getByRole('button', { name: 'Merge' }).click();
    await page.getByTestId('proposal-status').getByText('Merged').waitFor();
    await screenshot(page, 'proposal-merged');
    expect(await seriousViolations(page)).toEqual([]);

    const version = await hub.http().get(`/api/v1/models/${repo}/versions/v2.0.0`).expect(200);
    const merged = await hub.http().get(`/api/v1/models/${repo}/proposals/${number}`).expect(200);
    expect(version.body.commitId).toBe(merged.body.mergeCommitId);
  });
});
