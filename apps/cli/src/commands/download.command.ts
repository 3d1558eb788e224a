import { type Command } from 'commander';
import path from 'node:path';
import { parseRepoId } from '../core/hub-client';
import type * as DownloaderModule from '../download/downloader';
import type * as ProgressModule from '../progress/progress-display';
import { examples, run, typeOption, type TypeOptions } from './command-context';
import { addTransferOptions, limiterOf, type TransferOptions } from './transfer-options';

export function registerDownloadCommand(program: Command): void {
  const command = program
    .command('download <repo> [files...]')
    .description(
      'Download files of a revision into a folder: large files in parallel ranges, every sha256 checked before a file is moved into place, unchanged files skipped; ' +
        'interrupted, run it again: it resumes from the .incomplete files. A gated model without a grant: exit code 4 and its offers.',
    );
  addTransferOptions(command)
    .option('--local-dir <dir>', 'where to put the files (default: ./<name>)')
    .addOption(typeOption())
    .addHelpText(
      'after',
      examples(
        'modelhub download acme-ai/sentiment',
        'modelhub download acme-ai/sentiment config.json model.safetensors --revision v1.0.0 --local-dir ./sentiment',
        'modelhub download acme-ai/sentiment --include "*.json" --exclude "onnx/**"',
        'modelhub download acme-ai/llm --max-workers 16 --json | jq .bytesFetched',
        'modelhub download acme-ai/reviews --type dataset --include "data/*.parquet"',
      ),
    )
    .action(
      run(async (ctx, id: string, files: string[], opts: TransferOptions & TypeOptions & { localDir?: string }) => {
        // Loaded on use: `--help` and the other commands start without the transfer code.
        /* eslint-disable @typescript-eslint/no-require-imports */
        const { Downloader } = require('../download/downloader') as typeof DownloaderModule;
        const { ProgressDisplay, progressMode } = require('../progress/progress-display') as typeof ProgressModule;
        /* eslint-enable @typescript-eslint/no-require-imports */
        const repo = parseRepoId(id, opts.type);
        const localDir = path.resolve(opts.localDir ?? repo.name);
        const progress = new ProgressDisplay(progressMode(ctx.out.quiet, ctx.out.json), 'download');
        const result = await new Downloader(ctx.client, repo, progress, {
          files,
          include: opts.include,
          exclude: opts.exclude,
          revision: opts.revision,
          localDir,
          workers: opts.maxWorkers,
          limiter: limiterOf(opts),
        }).download();
        ctx.out.data(result, () => ctx.out.line(localDir));
      }),
    );
}
