import { type Command } from 'commander';
import { CliError, EXIT } from '../core/errors';
import { modelPath, parseRepoId } from '../core/hub-client';
import type * as ProgressModule from '../progress/progress-display';
import type * as UploaderModule from '../upload/uploader';
import { examples, run, typeOption, type TypeOptions } from './command-context';
import { addTransferOptions, limiterOf, type TransferOptions } from './transfer-options';

interface UploadCommandOptions extends TransferOptions, TypeOptions {
  message?: string;
  description?: string;
  version?: string;
  versionNotes?: string;
  createPr?: boolean;
}

export function registerUploadCommand(program: Command): void {
  const command = program
    .command('upload <repo> <source> [path-in-repo]')
    .description(
      'Upload a folder or a file as one commit: large files in parallel parts straight to storage (what the hub already holds is skipped), small ones inline. ' +
        'Interrupted, run it again: only the missing parts are sent. With --create-pr the commit opens a pull request on the branch instead (no write access needed where the model takes proposals).',
    );
  addTransferOptions(command)
    .option('-m, --message <text>', 'commit summary')
    .option('--description <text>', 'commit description')
    .option('--version <version>', 'publish this version (e.g. v1.2.0) at the new commit')
    .option('--version-notes <text>', 'release notes of --version')
    .option('--create-pr', 'open a pull request on --revision with the commit (prints its URL); see modelhub proposals')
    .addOption(typeOption())
    .addHelpText(
      'after',
      examples(
        'modelhub upload acme-ai/sentiment ./model',
        'modelhub upload acme-ai/sentiment ./model --exclude "*.tmp" --message "Retrained on v2 data" --version v1.1.0',
        'modelhub upload acme-ai/sentiment ./model.safetensors weights/model.safetensors --revision dev',
        'modelhub upload acme-ai/sentiment ./model --json | jq .commitOid',
        'modelhub upload acme-ai/sentiment ./model --create-pr --message "Fix the tokenizer config"',
        'modelhub upload acme-ai/reviews ./data data --type dataset',
      ),
    )
    .action(
      run(async (ctx, id: string, source: string, pathInRepo: string | undefined, opts: UploadCommandOptions) => {
        if (opts.createPr && opts.version)
          throw new CliError('--version publishes a commit of a branch: merge the pull request with --version instead', EXIT.usage, 'usage');
        // Loaded on use: `--help` and the other commands start without the transfer code.
        /* eslint-disable @typescript-eslint/no-require-imports */
        const { Uploader } = require('../upload/uploader') as typeof UploaderModule;
        const { ProgressDisplay, progressMode } = require('../progress/progress-display') as typeof ProgressModule;
        /* eslint-enable @typescript-eslint/no-require-imports */
        const repo = parseRepoId(id, opts.type);
        const progress = new ProgressDisplay(progressMode(ctx.out.quiet, ctx.out.json), 'upload');
        const result = await new Uploader(ctx.client, repo, progress).upload({
          source,
          pathInRepo,
          include: opts.include,
          exclude: opts.exclude,
          revision: opts.revision,
          message: opts.message,
          description: opts.description,
          workers: opts.maxWorkers,
          limiter: limiterOf(opts),
          createPr: opts.createPr,
        });
        let version: Record<string, unknown> | undefined;
        if (opts.version)
          version = await ctx.client.post(`${modelPath(repo)}/versions`, { name: opts.version, revision: result.commitOid, notes: opts.versionNotes });
        ctx.out.data({ ...result, version: version ?? null }, () => {
          ctx.out.line(result.pullRequestUrl ?? result.commitUrl);
          if (version) ctx.out.line(`Published ${id}@${opts.version}`);
        });
      }),
    );
}
