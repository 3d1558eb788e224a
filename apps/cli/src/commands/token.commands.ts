import { type Command } from 'commander';
import { dateCell } from '../core/output';
import { collect, examples, intOption, run } from './command-context';

export function registerTokenCommands(program: Command): void {
  const tokens = program.command('tokens').description('Create, list and revoke your API tokens (creating and revoking need a token with the admin scope)');

  tokens
    .command('create <name>')
    .description('Create a token; its secret is printed once')
    .option('--scope <scope>', 'read, write or admin (repeatable; default read)', collect)
    .option('--org <org>', 'restrict the token to one organization')
    .option('--expires-in-days <n>', 'expiry', intOption('--expires-in-days', 1))
    .addHelpText(
      'after',
      examples(
        'modelhub tokens create ci-upload --scope read --scope write',
        'modelhub tokens create globex-read --org globex --expires-in-days 30 --json | jq -r .token',
      ),
    )
    .action(
      run(async (ctx, name: string, opts: { scope?: string[]; org?: string; expiresInDays?: number }) => {
        const created = await ctx.client.post('/api/v1/tokens', { name, scopes: opts.scope ?? ['read'], org: opts.org, expiresInDays: opts.expiresInDays });
        ctx.out.data(created, () => {
          ctx.out.line(created.token as string);
          ctx.out.info(`Token ${name} (${(created.scopes as string[]).join(', ')}) created: copy it now, it is not shown again`);
        });
      }),
    );

  tokens
    .command('list')
    .alias('ls')
    .description('Your tokens (never their secrets)')
    .addHelpText('after', examples('modelhub tokens list', 'modelhub tokens list --json'))
    .action(
      run(async (ctx) => {
        const items = await ctx.client.get<Record<string, unknown>[]>('/api/v1/tokens');
        ctx.out.data(items, () =>
          ctx.out.table(items, [
            { key: 'id', title: 'ID' },
            { key: 'name', title: 'NAME' },
            { key: 'scopes', title: 'SCOPES' },
            { key: 'org', title: 'ORG' },
            { key: 'expiresAt', title: 'EXPIRES', format: dateCell },
            { key: 'lastUsedAt', title: 'LAST USED', format: dateCell },
          ]),
        );
      }),
    );

  tokens
    .command('revoke <id>')
    .description('Revoke a token by its id (see `modelhub tokens list`)')
    .addHelpText('after', examples('modelhub tokens revoke 7029ba01-f2f0-4527-91b3-f041c2c349e6'))
    .action(
      run(async (ctx, id: string) => {
        await ctx.client.delete(`/api/v1/tokens/${encodeURIComponent(id)}`);
        ctx.out.data({ revoked: id }, () => ctx.out.line(`Revoked token ${id}`));
      }),
    );
}
