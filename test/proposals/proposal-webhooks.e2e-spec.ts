import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually } from '../licensing/licensing-support';
import { createOrg, createToken, registerUser, bearer } from '../support/factories';
import { createModel } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';
import { file, hfCommit, header, ndjson, prNumberOf } from './proposals-support';

const SECRET = 'whsec_proposals_0123456789abcdef';
const EVENTS = ['proposal.opened', 'proposal.commented', 'proposal.reviewed', 'proposal.merged', 'proposal.closed'];

/** The organization's webhooks hear of its models' proposals, signed as every event (docs/webhooks.md). */
describe('proposal.* webhooks', () => {
  let hub: TestHub;
  let server: http.Server;
  const received: { event: string; body: string; signature: string; timestamp: string }[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          event: String(req.headers['x-hub-event']),
          body: Buffer.concat(chunks).toString('utf8'),
          signature: String(req.headers['x-hub-signature-256']),
          timestamp: String(req.headers['x-hub-timestamp']),
        });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    hub = await startTestHub({ env: { WEBHOOK_RETRY_DELAY_SECONDS: '1', WEBHOOK_ALLOWED_TARGETS: '127.0.0.1/32' } });
  });
  afterAll(async () => {
    await hub.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('opened, commented, reviewed, merged and closed reach the model organization’s webhook, signed', async () => {
    const owner = await registerUser(hub, 'whowner');
    const outsider = await registerUser(hub, 'whoutsider');
    const ownerToken = await createToken(hub, owner, ['write']);
    const outsiderToken = await createToken(hub, outsider, ['write']);
    const org = await createOrg(hub, owner, 'wh-org');
    await createModel(hub, owner, { namespace: org, name: 'm' });
    const repo = `${org}/m`;
    await hfCommit(hub, ownerToken, repo, ndjson(header('init'), file('a.txt', 'a\n'))).expect(200);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    await hub.http().post(`/api/v1/orgs/${org}/webhooks`).set(owner.auth).send({ url, events: EVENTS, secret: SECRET }).expect(201);

    const first = prNumberOf(
      (await hfCommit(hub, outsiderToken, repo, ndjson(header('Change a'), file('a.txt', 'b\n')), { createPr: true }).expect(200)).body.pullRequestUrl,
    );
    await hub.http().post(`/api/models/${repo}/discussions/${first}/comment`).set(bearer(ownerToken)).send({ comment: 'ok' }).expect(200);
    await hub.http().post(`/api/v1/models/${repo}/proposals/${first}/reviews`).set(bearer(ownerToken)).send({ state: 'approved' }).expect(201);
    await hub.http().post(`/api/models/${repo}/discussions/${first}/merge`).set(bearer(ownerToken)).expect(200);
    const second = prNumberOf(
      (await hfCommit(hub, outsiderToken, repo, ndjson(header('Another'), file('c.txt', 'c\n')), { createPr: true }).expect(200)).body.pullRequestUrl,
    );
    await hub.http().post(`/api/models/${repo}/discussions/${second}/status`).set(bearer(outsiderToken)).send({ status: 'closed' }).expect(200);

    await eventually(async () => received.length >= 6, 20_000, 'six deliveries');
    expect(received.map((r) => r.event).sort()).toEqual([...EVENTS, 'proposal.opened'].sort());
    for (const r of received) {
      expect(r.signature).toBe(`sha256=${createHmac('sha256', SECRET).update(`${r.timestamp}.${r.body}`).digest('hex')}`);
      const body = JSON.parse(r.body) as { event: string; data: { proposal: Record<string, unknown> } };
      expect(body.event).toBe(r.event);
      expect(body.data.proposal).toMatchObject({ model: repo, isPullRequest: true, author: outsider.username });
    }
    const merged = JSON.parse(received.find((r) => r.event === 'proposal.merged')!.body);
    expect(merged.data.proposal).toMatchObject({
      number: first,
      status: 'merged',
      mergeCommitId: expect.stringMatching(/^[0-9a-f]{40}$/),
      mergedBy: owner.username,
    });
  });
});
