import { type Command, Option } from 'commander';
import { bytesCell, cellText, dateCell } from '../core/output';
import { modelPath, parseRepoId, repoWebUrl } from '../core/hub-client';
import { collect, examples, intOption, run, typeOption, type TypeOptions } from './command-context';

interface FileEntry {
  type: 'file' | 'directory';
  path: string;
  size: number;
  oid: string;
  lfs?: { oid: string; size: number };
  security?: { status: string };
}

export function registerRepoCommands(program: Command): void {
  const repo = program.command('repo').description('Create or delete a model or dataset repository');
  repo
    .command('create <repo>')
    .description('Create a model (or with --type dataset, a dataset) in your namespace or an organization you belong to')
    .addOption(typeOption())
    .addOption(new Option('--visibility <visibility>', 'who sees and downloads it').choices(['public', 'private', 'gated']).default('public'))
    .option('--private', 'same as --visibility private')
    .option('--exist-ok', 'succeed when the model exists already')
    .addHelpText(
      'after',
      examples(
        'modelhub repo create acme-ai/sentiment',
        'modelhub repo create alice/draft --private',
        'modelhub repo create acme-ai/llm --visibility gated --json',
        'modelhub repo create acme-ai/reviews --type dataset',
      ),
    )
    .action(
      run(async (ctx, id: string, opts: TypeOptions & { visibility: string; private?: boolean; existOk?: boolean }) => {
        const r = parseRepoId(id, opts.type);
        const visibility = opts.private ? 'private' : opts.visibility;
        let model: Record<string, unknown>;
        let created = true;
        try {
          model = await ctx.client.post(opts.type === 'dataset' ? '/api/v1/datasets' : '/api/v1/models', { namespace: r.namespace, name: r.name, visibility });
        } catch (err) {
          if (!opts.existOk || (err as { status?: number }).status !== 409) throw err;
          model = await ctx.client.get(modelPath(r));
          created = false;
        }
        const url = repoWebUrl(ctx.conn.endpoint, { id: model.id as string, type: r.type });
        ctx.out.data({ ...model, created, url }, () => ctx.out.line(`${created ? 'Created' : 'Exists'}: ${url} (${model.visibility as string})`));
      }),
    );
  repo
    .command('delete <repo>')
    .description('Delete a model or dataset and its history (its administrators)')
    .requiredOption('--yes', 'confirm: deleting cannot be undone')
    .addOption(typeOption())
    .addHelpText('after', examples('modelhub repo delete alice/draft --yes', 'modelhub repo delete alice/old-data --type dataset --yes'))
    .action(
      run(async (ctx, id: string, opts: TypeOptions) => {
        const r = parseRepoId(id, opts.type);
        await ctx.client.delete(modelPath(r));
        ctx.out.data({ deleted: id }, () => ctx.out.line(`Deleted ${id}`));
      }),
    );

  program
    .command('info <repo>')
    .description('Show a model or dataset: visibility, card metadata, branches and versions')
    .addOption(typeOption())
    .addHelpText(
      'after',
      examples('modelhub info acme-ai/sentiment', 'modelhub info acme-ai/sentiment --json | jq .tags', 'modelhub info acme-ai/reviews --type dataset'),
    )
    .action(
      run(async (ctx, id: string, opts: TypeOptions) => {
        const r = parseRepoId(id, opts.type);
        const [model, refs] = await Promise.all([
          ctx.client.get(modelPath(r)),
          ctx.client.get<{ branches: { name: string; targetCommit: string }[]; tags: { name: string; targetCommit: string }[] }>(`${modelPath(r)}/refs`),
        ]);
        ctx.out.data({ ...model, refs }, () =>
          ctx.out.fields([
            [r.type, model.id],
            ['url', repoWebUrl(ctx.conn.endpoint, { id: model.id as string, type: r.type })],
            ['visibility', model.visibility],
            ['gated', model.gated],
            ['head', model.sha],
            ['license', model.license],
            ['task', model.pipelineTag],
            ['library', model.libraryName],
            ['tags', model.tags],
            ['languages', model.languages],
            ['downloads', model.downloads],
            ['likes', model.likes],
            ['branches', refs.branches.map((b) => b.name)],
            ['versions', refs.tags.map((t) => t.name)],
            ['card warnings', (model.cardWarnings as unknown[])?.length ? model.cardWarnings : null],
            ['updated', dateCell(model.lastModified)],
          ]),
        );
      }),
    );

  program
    .command('ls <repo> [path]')
    .description('List the files at a revision: size, LFS, scan status')
    .option('-r, --revision <rev>', 'branch, version or commit', 'main')
    .option('--no-recursive', 'only the entries directly under path')
    .addOption(typeOption())
    .addHelpText(
      'after',
      examples(
        'modelhub ls acme-ai/sentiment',
        'modelhub ls acme-ai/sentiment weights --revision v1.0.0',
        'modelhub ls acme-ai/sentiment --json | jq ".files[].path"',
        'modelhub ls acme-ai/reviews data --type dataset',
      ),
    )
    .action(
      run(async (ctx, id: string, path: string | undefined, opts: TypeOptions & { revision: string; recursive: boolean }) => {
        const r = parseRepoId(id, opts.type);
        const entries: FileEntry[] = [];
        let commitId = '';
        let cursor: string | undefined;
        do {
          const page = await ctx.client.get<{ commitId: string; entries: FileEntry[]; nextCursor: string | null }>(`${modelPath(r)}/files`, {
            revision: opts.revision,
            path,
            recursive: opts.recursive,
            cursor,
            limit: 1000,
          });
          commitId = page.commitId;
          entries.push(...page.entries);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        const files = entries.map((e) => ({
          type: e.type,
          path: e.path,
          size: e.size,
          lfs: Boolean(e.lfs),
          sha256: e.lfs?.oid ?? null,
          scan: e.security?.status ?? null,
        }));
        ctx.out.data({ repo: id, revision: opts.revision, commitId, files }, () => {
          ctx.out.table(files, [
            { key: 'size', title: 'SIZE', format: (v, row) => (row.type === 'directory' ? '-' : bytesCell(v)) },
            { key: 'lfs', title: 'LFS', format: (v) => (v ? 'lfs' : '') },
            { key: 'scan', title: 'SCAN' },
            { key: 'path', title: 'PATH', format: (v, row) => `${cellText(v)}${row.type === 'directory' ? '/' : ''}` },
          ]);
          ctx.out.info(`${files.filter((f) => f.type === 'file').length} files at ${commitId.slice(0, 12)} (${opts.revision})`);
        });
      }),
    );

  program
    .command('search [query]')
    .description('Search models, or with --type dataset datasets (ranked full text, filters), as a table')
    .addOption(typeOption())
    .option('--task <task>', 'pipeline tag, e.g. text-classification')
    .option('--library <library>')
    .option('--license <license>', "the card's licence id")
    .option('--commercial <bool>', 'true: only models usable commercially; false: only the others')
    .option('--org <org>', 'owning organization or user')
    .option('--verified', 'only verified organizations')
    .option('--tag <tag>', 'card tag (repeatable, all must match)', collect)
    .option('--language <language>')
    .option('--min-params <n>', 'fewest parameters: 7e9 or 7B')
    .option('--max-params <n>', 'most parameters')
    .option('--sort <sort>', 'relevance, downloads, likes, trending, updated, created')
    .option('-n, --limit <n>', 'results', intOption('--limit', 1), 20)
    .addHelpText(
      'after',
      examples(
        'modelhub search sentiment',
        'modelhub search --task text-classification --license apache-2.0 --sort downloads',
        'modelhub search 情感 --json | jq ".items[].id"',
        'modelhub search reviews --type dataset',
      ),
    )
    .action(
      run(async (ctx, q: string | undefined, o: Record<string, string | string[] | number | boolean | undefined>) => {
        const result = await ctx.client.get<{ total: number; items: Record<string, unknown>[]; nextCursor: string | null }>('/api/v1/search', {
          q,
          kind: o.type as string,
          task: o.task as string,
          library: o.library as string,
          license: o.license as string,
          commercial: o.commercial as string,
          org: o.org as string,
          verified: o.verified ? 'true' : undefined,
          tag: o.tag as string[],
          language: o.language as string,
          minParams: o.minParams as string,
          maxParams: o.maxParams as string,
          sort: o.sort as string,
          limit: o.limit as number,
        });
        ctx.out.data(result, () => {
          ctx.out.table(result.items, [
            { key: 'id', title: o.type === 'dataset' ? 'DATASET' : 'MODEL' },
            { key: 'task', title: 'TASK' },
            { key: 'license', title: 'LICENSE' },
            { key: 'downloads', title: 'DOWNLOADS' },
            { key: 'likes', title: 'LIKES' },
            { key: 'updatedAt', title: 'UPDATED', format: (v) => dateCell(v).slice(0, 10) },
          ]);
          ctx.out.info(`${result.items.length} of ${result.total} ${o.type}s`);
        });
      }),
    );
}
