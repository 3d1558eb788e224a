import { type Command } from 'commander';
import { modelPath, parseRepoId } from '../core/hub-client';
import { dateCell } from '../core/output';
import { examples, run } from './command-context';

export function registerVersionCommands(program: Command): void {
  const versions = program
    .command('versions')
    .description('List, create and deprecate versions (immutable, named revisions such as v1.2.0)')
    .addHelpText(
      'after',
      examples(
        'modelhub versions list acme-ai/sentiment',
        'modelhub versions create acme-ai/sentiment v1.1.0 --notes "Better on short texts"',
        'modelhub versions deprecate acme-ai/sentiment v1.0.0 --message "Use v1.1.0"',
      ),
    );

  versions
    .command('list <repo>')
    .alias('ls')
    .description('Versions, newest first, with their status')
    .addHelpText('after', examples('modelhub versions list acme-ai/sentiment', 'modelhub versions list acme-ai/sentiment --json'))
    .action(
      run(async (ctx, id: string) => {
        const items = await ctx.client.get<Record<string, unknown>[]>(`${modelPath(parseRepoId(id))}/versions`);
        ctx.out.data(items, () =>
          ctx.out.table(items, [
            { key: 'name', title: 'VERSION' },
            { key: 'status', title: 'STATUS' },
            { key: 'commitId', title: 'COMMIT', format: (v) => String(v ?? '').slice(0, 12) },
            { key: 'createdAt', title: 'CREATED', format: dateCell },
            { key: 'deprecationMessage', title: 'NOTE', format: (v, row) => String(v ?? row.notes ?? '') },
          ]),
        );
      }),
    );

  versions
    .command('create <repo> <version>')
    .description('Create a version of a revision (default: the head of main)')
    .option('-r, --revision <rev>', 'branch or commit to publish', 'main')
    .option('--notes <text>', 'release notes')
    .addHelpText(
      'after',
      examples('modelhub versions create acme-ai/sentiment v1.0.0', 'modelhub versions create acme-ai/sentiment v1.1.0-rc.1 --revision 3f2a9c1d'),
    )
    .action(
      run(async (ctx, id: string, version: string, opts: { revision: string; notes?: string }) => {
        const created = await ctx.client.post(`${modelPath(parseRepoId(id))}/versions`, { name: version, revision: opts.revision, notes: opts.notes });
        ctx.out.data(created, () => ctx.out.line(`Created ${id}@${version} at ${String(created.commitId ?? '').slice(0, 12)}`));
      }),
    );

  versions
    .command('deprecate <repo> <version>')
    .description('Deprecate a version (versions are never deleted)')
    .requiredOption('-m, --message <text>', 'why, and what to use instead')
    .addHelpText('after', examples('modelhub versions deprecate acme-ai/sentiment v1.0.0 -m "Use v1.1.0"'))
    .action(
      run(async (ctx, id: string, version: string, opts: { message: string }) => {
        const updated = await ctx.client.post(`${modelPath(parseRepoId(id))}/versions/${encodeURIComponent(version)}/deprecate`, { message: opts.message });
        ctx.out.data(updated, () => ctx.out.line(`Deprecated ${id}@${version}`));
      }),
    );
}
