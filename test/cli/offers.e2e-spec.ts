import fs from 'node:fs';
import path from 'node:path';
import { createToken, registerUser } from '../support/factories';
import { cli, cliEnv, cliJson, type CliEnv, type CliHub, startCliHub } from './cli-support';

interface OfferJson {
  id: string;
  kind: string;
  title: string;
  spdxId: string | null;
  terms: string | null;
  termsVersion: number;
  approval: string;
  commercialUse: boolean | null;
  territories: string[];
  durationDays: number | null;
  price: { amount: string; currency: string; period: string } | null;
  questions: { id: string; text: string; required: boolean }[];
  status: string;
}

/** Publishing offers from the command line, and the requests for a personal namespace's models. */
describe('modelhub offers create/edit/withdraw and incoming requests of a personal namespace', () => {
  let h: CliHub;
  let requester: CliEnv;
  let repo: string;

  beforeAll(async () => {
    h = await startCliHub();
    const other = await registerUser(h.hub);
    requester = cliEnv(h.url, { MODELHUB_TOKEN: await createToken(h.hub, other, ['read', 'write']) });
    // A model in the user's own namespace, not an organization's.
    repo = `${h.user.username}/personal-pro`;
    await cliJson(['repo', 'create', repo], h.env);
  });
  afterAll(() => h.hub.close());

  it('creates an open offer and a custom one with terms from a file, price, questions and manual approval', async () => {
    const open = await cliJson<OfferJson>(['offers', 'create', repo, '--spdx', 'apache-2.0', '--title', 'Apache 2.0'], h.env);
    expect(open).toMatchObject({ kind: 'open', spdxId: 'apache-2.0', title: 'Apache 2.0', approval: 'auto', status: 'active' });

    const termsFile = path.join(h.env.home, 'TERMS.md');
    fs.writeFileSync(termsFile, '# Commercial licence\n\nUse it in products.\n');
    const custom = await cliJson<OfferJson>(
      [
        'offers',
        'create',
        repo,
        '--title',
        'Commercial licence',
        '--terms-file',
        termsFile,
        '--commercial',
        '--price',
        '1200 eur/year',
        '--approval',
        'manual',
        '--territory',
        'EU',
        '--territory',
        'CH',
        '--duration-days',
        '365',
        '--question',
        'use-case:What will you use it for?',
        '--question',
        'team?:Team size',
      ],
      h.env,
    );
    expect(custom).toMatchObject({
      kind: 'custom',
      terms: '# Commercial licence\n\nUse it in products.\n',
      commercialUse: true,
      price: { amount: '1200', currency: 'EUR', period: 'year' },
      approval: 'manual',
      territories: ['EU', 'CH'],
      durationDays: 365,
      questions: [
        { id: 'use-case', text: 'What will you use it for?', required: true },
        { id: 'team', text: 'Team size', required: false },
      ],
    });
    const listed = await cliJson<OfferJson[]>(['offers', repo], h.env);
    expect(listed.map((o) => o.id).sort()).toEqual([open.id, custom.id].sort());
    // The human form prints the terms it published.
    const shown = await cli(['offers', 'create', repo, '--title', 'Research only', '--terms', 'Research use only.', '--no-commercial'], h.env);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^Published offer [0-9a-f-]{36}/);
    expect(shown.stdout).toContain('Research use only.');
    expect(shown.stdout).toMatch(/commercial use: +no/);
  });

  it('edits an offer (a new terms version when the conditions change) and withdraws it', async () => {
    const offer = await cliJson<OfferJson>(
      ['offers', 'create', repo, '--title', 'Evaluation', '--terms', 'Evaluate for 30 days.', '--approval', 'manual'],
      h.env,
    );
    expect(offer.termsVersion).toBe(1);
    const edited = await cliJson<OfferJson>(['offers', 'edit', offer.id, '--price', '50 USD/month', '--terms', 'Evaluate for 60 days.'], h.env);
    expect(edited).toMatchObject({ id: offer.id, termsVersion: 2, terms: 'Evaluate for 60 days.', price: { amount: '50', currency: 'USD', period: 'month' } });
    const renamed = await cliJson<OfferJson>(['offers', 'edit', offer.id, '--title', 'Evaluation licence'], h.env);
    expect(renamed).toMatchObject({ title: 'Evaluation licence', termsVersion: 2 });
    const withdrawn = await cliJson<OfferJson>(['offers', 'withdraw', offer.id], h.env);
    expect(withdrawn.status).toBe('withdrawn');
    const refused = await cli(['license', 'request', offer.id, '--accept-terms', '2'], requester);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('withdrawn');
  });

  it('refuses bad input with exit 2 before calling the hub, and others than the admins with exit 4', async () => {
    const noTitle = await cli(['offers', 'create', repo, '--spdx', 'mit', '--json'], h.env);
    expect(noTitle.code).toBe(2);
    expect(JSON.parse(noTitle.stderr)).toMatchObject({ code: 'usage', exitCode: 2 });
    expect((await cli(['offers', 'create', repo, '--title', 'x', '--price', 'a lot'], h.env)).code).toBe(2);
    expect((await cli(['offers', 'create', repo, '--title', 'x', '--question', 'no-colon'], h.env)).code).toBe(2);
    const someOffer = (await cliJson<OfferJson[]>(['offers', repo], h.env))[0];
    expect((await cli(['offers', 'edit', someOffer.id], h.env)).code).toBe(2);
    expect((await cli(['offers', 'create', `${h.user.username}/no-such-model`, '--title', 'x', '--spdx', 'mit'], h.env)).code).toBe(3);
    expect((await cli(['offers', 'create', repo, '--title', 'Mine now', '--spdx', 'mit'], requester)).code).toBe(4);
    expect((await cli(['offers', 'edit', someOffer.id, '--title', 'Mine now'], requester)).code).toBe(4);
    // The hub's own refusal of a bad value: exit 1 with its message.
    const badApproval = await cli(['offers', 'create', repo, '--title', 'x', '--spdx', 'mit', '--approval', 'sometimes'], h.env);
    expect(badApproval.code).toBe(1);
    expect(badApproval.stderr).toContain('approval must be one of');
  });

  it('lists the requests for the models of a personal namespace (incoming) next to the ones made for yourself', async () => {
    const offer = (await cliJson<OfferJson[]>(['offers', repo], h.env)).find((o) => o.title === 'Commercial licence')!;
    const req = await cliJson<{ id: string; status: string }>(
      ['license', 'request', offer.id, '--accept-terms', String(offer.termsVersion), '--answer', 'use-case=Support tickets'],
      requester,
    );
    expect(req.status).toBe('pending');
    const incoming = await cliJson<{ id: string }[]>(['license', 'requests', '--direction', 'incoming', '--status', 'pending'], h.env);
    expect(incoming.map((r) => r.id)).toEqual([req.id]);
    // Outgoing (the default without --org): the publisher made none; the requester sees theirs.
    expect(await cliJson<{ id: string }[]>(['license', 'requests'], h.env)).toEqual([]);
    expect((await cliJson<{ id: string }[]>(['license', 'requests'], requester)).map((r) => r.id)).toEqual([req.id]);
    expect(await cliJson<{ id: string }[]>(['license', 'requests', '--direction', 'incoming'], requester)).toEqual([]);
    const table = await cli(['license', 'requests', '--direction', 'incoming'], h.env);
    expect(table.stdout).toContain(req.id);
    const approved = await cliJson<{ status: string }>(['license', 'approve', req.id], h.env);
    expect(approved.status).toBe('approved');
    expect(await cliJson(['license', 'requests', '--direction', 'incoming', '--status', 'pending'], h.env)).toEqual([]);
  });

  it('has --help with examples on every offers command', async () => {
    for (const args of [['offers'], ['offers', 'create'], ['offers', 'edit'], ['offers', 'withdraw']]) {
      const r = await cli([...args, '--help'], h.env);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Examples:');
    }
  });
});
