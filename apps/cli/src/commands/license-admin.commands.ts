import { type Command, Option } from 'commander';
import { modelPath, parseRepoId } from '../core/hub-client';
import { cellText, dateCell } from '../core/output';
import { examples, run } from './command-context';

const grantee = (v: unknown) => {
  const g = v as { type?: string; name?: string } | null;
  return g?.name ? `${g.name}${g.type === 'user' ? ' (user)' : ''}` : cellText(v);
};
const modelCell = (v: unknown) => (typeof v === 'object' && v && 'id' in v ? String((v as { id: string }).id) : cellText(v));

const REQUEST_COLUMNS = [
  { key: 'id', title: 'REQUEST' },
  { key: 'model', title: 'MODEL', format: modelCell },
  { key: 'grantee', title: 'FOR', format: grantee },
  { key: 'termsVersion', title: 'TERMS' },
  { key: 'status', title: 'STATUS' },
  { key: 'createdAt', title: 'CREATED', format: dateCell },
];
const GRANT_COLUMNS = [
  { key: 'id', title: 'GRANT' },
  { key: 'model', title: 'MODEL', format: modelCell },
  { key: 'grantee', title: 'GRANTEE', format: grantee },
  { key: 'termsVersion', title: 'TERMS' },
  { key: 'status', title: 'STATUS' },
  { key: 'endsAt', title: 'ENDS', format: (v: unknown) => (v ? dateCell(v) : 'no end') },
];

const listOf = (page: unknown): Record<string, unknown>[] =>
  Array.isArray(page) ? page : (((page as { items?: unknown[] })?.items ?? []) as Record<string, unknown>[]);

/** The publisher's side of licensing (and the requester's lists). */
export function registerLicenseAdminCommands(program: Command, license: Command): void {
  license
    .command('requests')
    .description(
      'Licence requests: for an organization, incoming (its models, the default) or outgoing (made for it); without --org, ' +
        'the ones you made for yourself (outgoing, the default) or those for the models of your personal namespace (incoming)',
    )
    .option('--org <org>', 'organization')
    .addOption(new Option('--direction <direction>', 'incoming or outgoing (default: incoming with --org, outgoing without)').choices(['incoming', 'outgoing']))
    .addOption(new Option('--status <status>').choices(['pending', 'approved', 'rejected', 'cancelled']))
    .addHelpText(
      'after',
      examples(
        'modelhub license requests --org acme-ai --status pending',
        'modelhub license requests --org globex --direction outgoing',
        'modelhub license requests                          # the ones you made for yourself',
        'modelhub license requests --direction incoming     # for the models of your own namespace',
      ),
    )
    .action(
      run(async (ctx, opts: { org?: string; direction?: string; status?: string }) => {
        const page = opts.org
          ? await ctx.client.get(`/api/v1/orgs/${encodeURIComponent(opts.org)}/license-requests`, {
              direction: opts.direction ?? 'incoming',
              status: opts.status,
            })
          : await ctx.client.get('/api/v1/me/license-requests', { direction: opts.direction, status: opts.status });
        const items = listOf(page);
        ctx.out.data(items, () => ctx.out.table(items, REQUEST_COLUMNS));
      }),
    );

  license
    .command('approve <request>')
    .description('Approve a pending request and create its grant (the model’s admins)')
    .option('--expires-at <date>', 'grant end, ISO 8601 (default: the terms’ duration, else no end)')
    .option('--note <text>', 'a note for the requester')
    .addHelpText('after', examples('modelhub license approve 9d1e...', 'modelhub license approve 9d1e... --expires-at 2027-12-31T23:59:59Z'))
    .action(
      run(async (ctx, id: string, opts: { expiresAt?: string; note?: string }) => {
        const r = await ctx.client.post(`/api/v1/license-requests/${encodeURIComponent(id)}/approve`, { expiresAt: opts.expiresAt, note: opts.note });
        ctx.out.data(r, () => ctx.out.line(`Approved ${id}: grant ${(r.grant as { id?: string } | undefined)?.id ?? '-'}`));
      }),
    );

  license
    .command('reject <request>')
    .description('Reject a pending request with a reason (the model’s admins)')
    .requiredOption('--reason <text>', 'told to the requester')
    .addHelpText('after', examples('modelhub license reject 9d1e... --reason "Not for this field of use"'))
    .action(
      run(async (ctx, id: string, opts: { reason: string }) => {
        const r = await ctx.client.post(`/api/v1/license-requests/${encodeURIComponent(id)}/reject`, { reason: opts.reason });
        ctx.out.data(r, () => ctx.out.line(`Rejected ${id}`));
      }),
    );

  license
    .command('cancel <request>')
    .description('Cancel your pending request')
    .option('--reason <text>')
    .addHelpText('after', examples('modelhub license cancel 9d1e...'))
    .action(
      run(async (ctx, id: string, opts: { reason?: string }) => {
        const r = await ctx.client.post(`/api/v1/license-requests/${encodeURIComponent(id)}/cancel`, { reason: opts.reason });
        ctx.out.data(r, () => ctx.out.line(`Cancelled ${id}`));
      }),
    );

  license
    .command('grants')
    .description('Grants: on a model (its admins), of an organization (held or issued), or your own')
    .option('--repo <repo>', 'every grant on this model')
    .option('--org <org>', 'organization')
    .addOption(new Option('--direction <direction>', 'with --org').choices(['held', 'issued']).default('issued'))
    .addOption(new Option('--status <status>').choices(['active', 'expired', 'revoked']))
    .addHelpText(
      'after',
      examples('modelhub license grants --repo acme-ai/sentiment-pro', 'modelhub license grants --org globex --direction held', 'modelhub license grants'),
    )
    .action(
      run(async (ctx, opts: { repo?: string; org?: string; direction: string; status?: string }) => {
        const page = opts.repo
          ? await ctx.client.get(`${modelPath(parseRepoId(opts.repo))}/grants`, { status: opts.status })
          : opts.org
            ? await ctx.client.get(`/api/v1/orgs/${encodeURIComponent(opts.org)}/grants`, { direction: opts.direction, status: opts.status })
            : await ctx.client.get('/api/v1/me/grants', { status: opts.status });
        const items = listOf(page);
        ctx.out.data(items, () => ctx.out.table(items, GRANT_COLUMNS));
      }),
    );

  license
    .command('revoke <grant>')
    .description('Revoke a grant (the model’s admins): downloads stop at once')
    .requiredOption('--reason <text>', 'told to the grantee')
    .addHelpText('after', examples('modelhub license revoke 4c2f... --reason "Contract ended"'))
    .action(
      run(async (ctx, id: string, opts: { reason: string }) => {
        const r = await ctx.client.post(`/api/v1/grants/${encodeURIComponent(id)}/revoke`, { reason: opts.reason });
        ctx.out.data(r, () => ctx.out.line(`Revoked grant ${id}`));
      }),
    );

  program
    .command('usage <repo>')
    .description('Downloads under licence grants, per licensee (the model’s admins)')
    .option('--from <date>', 'start, ISO 8601 (default: 30 days ago)')
    .option('--to <date>', 'end, ISO 8601 (default: now)')
    .option('--licensee <name>', 'one licensee')
    .option('--csv', 'every download as CSV (RFC 4180), for a spreadsheet')
    .addHelpText('after', examples('modelhub usage acme-ai/sentiment-pro', 'modelhub usage acme-ai/sentiment-pro --from 2026-11-01 --csv > usage.csv'))
    .action(
      run(async (ctx, id: string, opts: { from?: string; to?: string; licensee?: string; csv?: boolean }) => {
        const path = `${modelPath(parseRepoId(id))}/usage`;
        const query = { from: opts.from, to: opts.to, licensee: opts.licensee };
        if (opts.csv) {
          process.stdout.write(await ctx.client.get<string>(path, { ...query, format: 'csv' }));
          return;
        }
        const report = await ctx.client.get<{ totalDownloads: number; from: string; to: string; licensees: Record<string, unknown>[] }>(path, query);
        ctx.out.data(report, () => {
          ctx.out.line(`${id}: ${report.totalDownloads} downloads under grants from ${dateCell(report.from)} to ${dateCell(report.to)}`);
          ctx.out.table(report.licensees, [
            { key: 'licensee', title: 'LICENSEE', format: grantee },
            { key: 'downloads', title: 'DOWNLOADS' },
            { key: 'users', title: 'USERS' },
            { key: 'files', title: 'FILES' },
            { key: 'lastDownloadAt', title: 'LAST', format: dateCell },
          ]);
        });
      }),
    );
}
