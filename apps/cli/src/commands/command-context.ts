import { type Command, Option } from 'commander';
import { type Connection, type GlobalOptions, resolveConnection } from '../config/context';
import { CliError, EXIT, HubApiError } from '../core/errors';
import { HubClient, REPO_TYPES, type RepoType } from '../core/hub-client';
import { Output } from '../core/output';

export interface CommandContext {
  conn: Connection;
  client: HubClient;
  out: Output;
  global: GlobalOptions;
}

/** The context every command runs with: its connection (endpoint, token) and output mode. */
export function contextOf(command: Command): CommandContext {
  const global = command.optsWithGlobals<GlobalOptions>();
  let conn: Connection;
  try {
    conn = resolveConnection(global);
  } catch (err) {
    throw new CliError((err as Error).message, EXIT.usage, 'usage');
  }
  return { conn, client: new HubClient(conn), out: new Output(Boolean(global.json), Boolean(global.quiet)), global };
}

/**
 * Wraps a command's action: gives it its context, turns errors into one line on stderr (or a
 * JSON error object with --json) and the exit code.
 */
export function run<A extends unknown[]>(fn: (ctx: CommandContext, ...args: A) => Promise<void>) {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const positional = args.slice(0, -2) as unknown[];
    const options = args[args.length - 2];
    let json = false;
    try {
      const ctx = contextOf(command);
      json = ctx.out.json;
      await fn(ctx, ...([...positional, options] as A));
    } catch (err) {
      reportError(err, json);
    }
  };
}

export function reportError(err: unknown, json: boolean): void {
  const cli = err instanceof CliError ? err : undefined;
  const exitCode = cli?.exitCode ?? EXIT.error;
  const message = cli ? cli.message : `Unexpected error: ${(err as Error)?.stack ?? String(err)}`;
  if (json) {
    const detail = err instanceof HubApiError ? { status: err.status, requestId: err.body.requestId, details: err.body.details } : {};
    process.stderr.write(`${JSON.stringify({ error: message, code: cli?.code ?? 'error', exitCode, ...detail })}\n`);
  } else {
    process.stderr.write(`Error: ${message}\n`);
  }
  process.exitCode = exitCode;
}

/** Help text listing examples, shown after the options. */
export const examples = (...lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;

/** An integer option value (commander parser). */
export function intOption(name: string, min = 0) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new CliError(`${name} must be a whole number >= ${min}, not '${value}'`, EXIT.usage, 'usage');
    return n;
  };
}

export const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `--type model|dataset` on the commands that act on a repository (models unless told). */
export const typeOption = () => new Option('--type <type>', 'repository type').choices(REPO_TYPES).default('model');
export type TypeOptions = { type: RepoType };
