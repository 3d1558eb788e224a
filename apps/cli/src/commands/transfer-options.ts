import { type Command } from 'commander';
import { CliError, EXIT } from '../core/errors';
import { parseSize } from '../core/format';
import { RateLimiter } from '../transfer/rate-limiter';
import { collect, intOption } from './command-context';

export interface TransferOptions {
  include?: string[];
  exclude?: string[];
  revision: string;
  maxWorkers: number;
  limitRate?: string;
}

/** Options shared by upload and download. */
export function addTransferOptions(command: Command): Command {
  return command
    .option('-r, --revision <rev>', 'branch (upload) or branch, version, commit (download)', 'main')
    .option('--include <glob>', 'only paths matching (repeatable; `*.json` matches at any depth, `weights/**` a folder)', collect)
    .option('--exclude <glob>', 'leave out paths matching (repeatable)', collect)
    .option('--max-workers <n>', 'transfers in flight at once', intOption('--max-workers', 1), 8)
    .option('--limit-rate <bytes>', 'cap the total rate, e.g. 50M (bytes per second; k, M, G)');
}

export function limiterOf(opts: TransferOptions): RateLimiter | undefined {
  if (!opts.limitRate) return undefined;
  try {
    const rate = parseSize(opts.limitRate);
    if (rate < 1024) throw new Error('--limit-rate must be at least 1k');
    return new RateLimiter(rate);
  } catch (err) {
    throw new CliError((err as Error).message, EXIT.usage, 'usage');
  }
}
