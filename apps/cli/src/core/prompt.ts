import readline from 'node:readline';
import { CliError, EXIT } from './errors';

/** Asks one question on the terminal; `secret` hides what is typed. Refuses without a terminal. */
export async function ask(question: string, options: { secret?: boolean } = {}): Promise<string> {
  if (!process.stdin.isTTY) {
    // Piped input: read one line (e.g. `echo $TOKEN | modelhub login`).
    return readLine();
  }
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  if (options.secret) {
    const write = (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput.bind(rl);
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => write(s.startsWith(question) ? s : s.replace(/[^\r\n]/g, '*'));
  }
  try {
    return await new Promise<string>((resolve) => rl.question(question, resolve));
  } finally {
    rl.close();
    if (options.secret) process.stderr.write('\n');
  }
}

async function readLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    if (Buffer.concat(chunks).includes(10)) break;
  }
  const line = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
  if (!line) throw new CliError('Nothing to read on standard input: pass the value as an option instead', EXIT.usage, 'usage');
  return line;
}
