import { Command, CommanderError } from 'commander';
import { registerAuthCommands } from './commands/auth.commands';
import { registerDatasetCommands } from './commands/dataset.commands';
import { registerDeploymentCommands, registerInferCommand } from './commands/deployment.commands';
import { registerDownloadCommand } from './commands/download.command';
import { registerLicenseCommands } from './commands/license.commands';
import { registerOfferCommands } from './commands/offer.commands';
import { registerProposalCommands } from './commands/proposal.commands';
import { registerRepoCommands } from './commands/repo.commands';
import { registerTokenCommands } from './commands/token.commands';
import { registerUploadCommand } from './commands/upload.command';
import { registerVersionCommands } from './commands/version.commands';
import { examples, reportError } from './commands/command-context';
import { EXIT } from './core/errors';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../package.json') as { version: string };

export function buildProgram(): Command {
  const program = new Command('modelhub')
    // Options after a command name belong to it (upload has its own --version).
    .enablePositionalOptions()
    .description(
      'The Model Hub command line: publish, fetch, license and serve models and datasets.\n' +
        'Exit codes: 0 ok, 1 error, 2 usage, 3 not found, 4 forbidden or licence needed.\n' +
        'Datasets: repo create, upload, download, info, ls and search take --type dataset; modelhub datasets preview shows their rows.',
    )
    .version(version, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      examples(
        'modelhub login',
        'modelhub upload acme/sentiment ./model --version v1.0.0',
        'modelhub download acme/sentiment --local-dir ./sentiment',
        'modelhub search "sentiment" --task text-classification',
      ),
    );
  registerAuthCommands(program);
  registerRepoCommands(program);
  registerUploadCommand(program);
  registerDownloadCommand(program);
  registerDatasetCommands(program);
  registerVersionCommands(program);
  registerOfferCommands(program);
  registerLicenseCommands(program);
  registerProposalCommands(program);
  registerDeploymentCommands(program);
  registerInferCommand(program);
  registerTokenCommands(program);
  for (const command of allCommands(program)) {
    command.exitOverride();
    // Leaves, and a group that is also a command of its own (`offers <repo>` beside `offers create`).
    if (command === program || command.commands.length === 0 || command.registeredArguments.length > 0) addGlobalOptions(command);
  }
  return program;
}

/** The options every command takes, before or after its name. */
function addGlobalOptions(command: Command): void {
  command
    .option('--endpoint <url>', 'hub URL (else MODELHUB_ENDPOINT, the profile, HF_ENDPOINT, http://localhost:3000)')
    .option('--token <token>', 'API token for this call (else MODELHUB_TOKEN, the profile, HF_TOKEN)')
    .option('--profile <name>', 'named login to use (else MODELHUB_PROFILE, the current profile)')
    .option('--json', 'print data as JSON (errors as a JSON line on stderr)')
    .option('-q, --quiet', 'print nothing but data and errors (no progress)');
}

function allCommands(c: Command): Command[] {
  return [c, ...c.commands.flatMap(allCommands)];
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are not errors; anything else commander refuses is a usage error.
      const shown = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || (err.code === 'commander.help' && err.exitCode === 0);
      process.exitCode = shown ? EXIT.ok : EXIT.usage;
      return;
    }
    reportError(err, argv.includes('--json'));
  }
}
