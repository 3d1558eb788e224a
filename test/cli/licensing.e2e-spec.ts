import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { manualCommercialOffer, publishOffer } from '../licensing/licensing-support';
import { createOrg, createToken, registerUser } from '../support/factories';
import { cli, cliEnv, cliJson, type CliEnv, type CliHub, startCliHub, writeFiles } from './cli-support';

/** A gated model refused with its offers (exit 4), then the licence flow end to end from two terminals. */
describe('modelhub: gated models and the licence flow', () => {
  let h: CliHub;
  let licensee: CliEnv;
  let publisherOrg: string;
  let licenseeOrg: string;
  let repo: string;
  let offerId: string;
  const weights = randomBytes(3 * 1024 * 1024);

  beforeAll(async () => {
    h = await startCliHub();
    publisherOrg = await createOrg(h.hub, h.user);
    const lic = await registerUser(h.hub);
    licenseeOrg = await createOrg(h.hub, lic);
    licensee = cliEnv(h.url, { MODELHUB_TOKEN: await createToken(h.hub, lic, ['read', 'write']) });
    repo = `${publisherOrg}/sentiment-pro`;
    await cliJson(['repo', 'create', repo], h.env);
    const src = path.join(h.env.home, 'pro');
    writeFiles(src, { 'model.safetensors': weights, 'config.json': '{}' });
    await cliJson(['upload', repo, src], h.env);
    offerId = (await publishOffer(h.hub, h.user, repo, manualCommercialOffer)).id;
  });
  afterAll(() => h.hub.close());

  const download = (env: CliEnv, dir: string) => cli(['download', repo, '--local-dir', path.join(env.home, dir)], env);

  it('refuses a gated download with exit 4, naming the offers and the command to request one', async () => {
    const r = await download(licensee, 'refused');
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`${repo} is gated`);
    expect(r.stderr).toContain(`${offerId}  Commercial licence (custom terms, approved by the publisher, 1200 EUR/year)`);
    expect(r.stderr).toContain(`modelhub license request ${offerId}`);
    expect(fs.existsSync(path.join(licensee.home, 'refused', 'model.safetensors'))).toBe(false);
    const anonymous = await cli(['download', repo, '--json'], cliEnv(h.url));
    expect(anonymous.code).toBe(4);
    expect(JSON.parse(anonymous.stderr)).toMatchObject({ code: 'GatedRepo', exitCode: 4 });
  });

  it('lists offers, and a request needs the terms accepted (a terminal, or --accept-terms)', async () => {
    const offers = await cliJson<{ id: string; approval: string; termsVersion: number }[]>(['offers', repo], licensee);
    expect(offers).toEqual([expect.objectContaining({ id: offerId, approval: 'manual', termsVersion: 1 })]);
    const table = await cli(['offers', repo], licensee);
    expect(table.stdout).toMatch(/^OFFER\s+TITLE\s+KIND\s+APPROVAL\s+PRICE/);
    const noTty = await cli(['license', 'request', offerId, '--org', licenseeOrg], licensee);
    expect(noTty.code).toBe(2);
    expect(noTty.stderr).toContain('--accept-terms 1');
    const outdated = await cli(['license', 'request', offerId, '--org', licenseeOrg, '--accept-terms', '2', '--answer', 'use-case=Tickets'], licensee);
    expect(outdated.code).toBe(1);
  });

  it('requests for an organization, the publisher approves, the licensee downloads; usage shows it', async () => {
    const req = await cliJson<{ id: string; status: string }>(
      ['license', 'request', offerId, '--org', licenseeOrg, '--accept-terms', '1', '--answer', 'use-case=Support tickets', '-m', 'Hello'],
      licensee,
    );
    expect(req.status).toBe('pending');
    const pending = await cliJson<{ canDownload: boolean; request: { id: string; status: string } }>(['license', 'status', repo], licensee);
    expect(pending).toMatchObject({ canDownload: false, request: { id: req.id, status: 'pending' } });

    const incoming = await cliJson<{ id: string }[]>(['license', 'requests', '--org', publisherOrg, '--status', 'pending'], h.env);
    expect(incoming.map((r) => r.id)).toEqual([req.id]);
    const outgoing = await cliJson<{ id: string }[]>(['license', 'requests', '--org', licenseeOrg, '--direction', 'outgoing'], licensee);
    expect(outgoing.map((r) => r.id)).toEqual([req.id]);
    const approved = await cliJson<{ status: string; grant: { id: string } }>(['license', 'approve', req.id, '--note', 'Welcome'], h.env);
    expect(approved.status).toBe('approved');

    const status = await cli(['license', 'status', repo], licensee);
    expect(status.stdout).toMatch(/can download: +yes \(grant\)/);
    const r = await download(licensee, 'granted');
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(licensee.home, 'granted', 'model.safetensors')).equals(weights)).toBe(true);

    const grants = await cliJson<{ id: string; status: string }[]>(['license', 'grants', '--repo', repo], h.env);
    expect(grants).toEqual([expect.objectContaining({ id: approved.grant.id, status: 'active' })]);
    const held = await cliJson<{ id: string }[]>(['license', 'grants', '--org', licenseeOrg, '--direction', 'held'], licensee);
    expect(held.map((g) => g.id)).toEqual([approved.grant.id]);
    const usage = await cliJson<{ totalDownloads: number; licensees: { licensee: { name: string }; downloads: number }[] }>(['usage', repo], h.env);
    // The two published files and the repository's initial .gitattributes.
    expect(usage.totalDownloads).toBe(3);
    expect(usage.licensees).toEqual([expect.objectContaining({ licensee: expect.objectContaining({ name: licenseeOrg }), downloads: 3 })]);
    const csv = await cli(['usage', repo, '--csv'], h.env);
    const rows = csv.stdout.trim().split('\r\n'); // RFC 4180 line ends, passed through unchanged
    expect(rows[0]).toBe('at,licensee_type,licensee,user,grant_id,terms_version,path,revision,commit_id');
    expect(rows).toHaveLength(4);
    // The licensee is not an admin of the model: forbidden.
    expect((await cli(['usage', repo], licensee)).code).toBe(4);

    await cliJson(['license', 'revoke', approved.grant.id, '--reason', 'Contract ended'], h.env);
    expect((await download(licensee, 'after-revoke')).code).toBe(4);
  });

  it('rejects and cancels requests', async () => {
    const mine = await cliJson<{ id: string }>(['license', 'request', offerId, '--accept-terms', '1', '--answer', 'use-case=Research'], licensee);
    expect((await cliJson<{ id: string }[]>(['license', 'requests'], licensee)).map((r) => r.id)).toContain(mine.id);
    const rejected = await cliJson<{ status: string }>(['license', 'reject', mine.id, '--reason', 'Not for research'], h.env);
    expect(rejected.status).toBe('rejected');
    const again = await cliJson<{ id: string }>(['license', 'request', offerId, '--accept-terms', '1', '--answer', 'use-case=Research'], licensee);
    expect((await cliJson<{ status: string }>(['license', 'cancel', again.id], licensee)).status).toBe('cancelled');
    const notPending = await cli(['license', 'approve', again.id], h.env);
    expect(notPending.code).toBe(1);
    expect(notPending.stderr).toMatch(/^Error: /);
  });
});
