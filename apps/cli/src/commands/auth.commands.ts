import { type Command } from 'commander';
import { ConfigStore } from '../config/config-store';
import { CliError, EXIT } from '../core/errors';
import { HubClient } from '../core/hub-client';
import { ask } from '../core/prompt';
import { examples, run } from './command-context';

interface WhoAmI {
  name: string;
  email?: string;
  isAdmin?: boolean;
  orgs: { name: string; roleInOrg?: string }[];
  auth?: { accessToken?: { displayName?: string; role?: string } };
}

export function registerAuthCommands(program: Command): void {
  program
    .command('login')
    .description('Check an API token with the hub and store it (in $XDG_CONFIG_HOME/modelhub/config.json, mode 0600)')
    .addHelpText(
      'after',
      examples(
        'modelhub login                                   # prompts for the token',
        'modelhub login --token hf_xxx --endpoint https://hub.example.org',
        'echo "$TOKEN" | modelhub login --profile staging --endpoint https://staging.example.org',
      ) + '\nCreate a token on the hub (POST /api/v1/tokens) or with `modelhub tokens create` once logged in.\n',
    )
    .action(
      run(async (ctx) => {
        const token = ctx.global.token ?? (await ask(`Token for ${ctx.conn.endpoint}: `, { secret: true })).trim();
        if (!token) throw new CliError('No token given', EXIT.usage, 'usage');
        const me = await new HubClient({ ...ctx.conn, token }).get<WhoAmI>('/api/whoami-v2');
        new ConfigStore().saveProfile(ctx.conn.profileName, { endpoint: ctx.conn.endpoint, token, username: me.name }, true);
        ctx.out.data({ profile: ctx.conn.profileName, endpoint: ctx.conn.endpoint, username: me.name, role: me.auth?.accessToken?.role ?? null }, () =>
          ctx.out.line(
            `Logged in to ${ctx.conn.endpoint} as ${me.name} (profile ${ctx.conn.profileName}, token role ${me.auth?.accessToken?.role ?? 'session'})`,
          ),
        );
      }),
    );

  program
    .command('logout')
    .description("Forget the profile's stored token")
    .addHelpText('after', examples('modelhub logout', 'modelhub logout --profile staging'))
    .action(
      run(async (ctx) => {
        const removed = new ConfigStore().forgetToken(ctx.conn.profileName);
        ctx.out.data({ profile: ctx.conn.profileName, loggedOut: removed }, () =>
          ctx.out.line(removed ? `Logged out (profile ${ctx.conn.profileName})` : `Profile ${ctx.conn.profileName} had no stored token`),
        );
      }),
    );

  program
    .command('whoami')
    .description('Show who the token belongs to, its role and organizations')
    .addHelpText('after', examples('modelhub whoami', 'modelhub whoami --json | jq -r .name'))
    .action(
      run(async (ctx) => {
        if (!ctx.client.hasToken)
          throw new CliError(
            `Not logged in to ${ctx.conn.endpoint}: run \`modelhub login\` (or pass --token, MODELHUB_TOKEN, HF_TOKEN)`,
            EXIT.forbidden,
            'not_logged_in',
          );
        const me = await ctx.client.get<WhoAmI>('/api/whoami-v2');
        const data = {
          name: me.name,
          email: me.email ?? null,
          orgs: me.orgs.map((o) => ({ name: o.name, role: o.roleInOrg ?? null })),
          role: me.auth?.accessToken?.role ?? null,
          endpoint: ctx.conn.endpoint,
          profile: ctx.conn.profileName,
          tokenSource: ctx.conn.tokenSource,
        };
        ctx.out.data(data, () =>
          ctx.out.fields([
            ['user', me.name],
            ['orgs', data.orgs.map((o) => (o.role ? `${o.name} (${o.role})` : o.name))],
            ['token role', data.role],
            ['endpoint', `${ctx.conn.endpoint} (${ctx.conn.endpointSource})`],
            ['token from', ctx.conn.tokenSource],
          ]),
        );
      }),
    );
}
