import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { publishOffer } from '../licensing/licensing-support';
import { createOrg, createToken, registerUser } from '../support/factories';
import { CLI, cli, cliEnv, cliJson, type CliEnv, type CliHub, startCliHub, waitFor, writeFiles } from './cli-support';

/**
 * tmux gives the command a real pseudo-terminal whose screen can be captured. A fresh machine may
 * lack it: installed here when running as root with apt (as a new contributor would), otherwise
 * the terminal tests are skipped and say why.
 */
function ensureTmux(): string | null {
  const has = () => spawnSync('tmux', ['-V']).status === 0;
  if (has()) return null;
  if (process.getuid?.() === 0 && spawnSync('apt-get', ['--version']).status === 0) {
    spawnSync('apt-get', ['install', '-y', '-q', 'tmux'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (has()) return null;
  }
  return 'tmux is not installed and could not be installed (apt-get install tmux): the pseudo-terminal tests are skipped';
}
const skipReason = ensureTmux();
if (skipReason) console.warn(skipReason);
const describeTty = skipReason ? describe.skip : describe;

/** A tmux server of this test's own (its own socket), one session per command. */
class Terminal {
  private readonly socket = `modelhub-test-${process.pid}`;
  private n = 0;

  run(env: CliEnv, args: string[]): string {
    const name = `s${this.n++}`;
    const script = path.join(env.home, `${name}.sh`);
    const exports = Object.entries(env.env)
      .map(([k, v]) => `export ${k}='${v.replace(/'/g, `'\\''`)}'`)
      .join('\n');
    const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    fs.writeFileSync(script, `${exports}\ncd '${env.home}'\n'${process.execPath}' '${CLI}' ${quoted}\necho "EXIT=$?"\nsleep 600\n`);
    this.tmux('new-session', '-d', '-s', name, '-x', '150', '-y', '30', `sh '${script}'`);
    return name;
  }

  screen(name: string): string {
    return this.tmux('capture-pane', '-p', '-t', name);
  }

  keys(name: string, ...keys: string[]): void {
    this.tmux('send-keys', '-t', name, ...keys);
  }

  kill(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server']);
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }
}

let h: CliHub;
beforeAll(async () => {
  h = await startCliHub();
});
afterAll(() => h.hub.close());

describeTty('modelhub on a terminal (tmux)', () => {
  let term: Terminal;
  let repo: string;
  let src: string;

  beforeAll(async () => {
    term = new Terminal();
    repo = `${h.user.username}/tty`;
    await cliJson(['repo', 'create', repo], h.env);
    src = path.join(h.env.home, 'src');
    writeFiles(src, { 'weights/big.bin': randomBytes(12 * 1024 * 1024), 'weights/other.bin': randomBytes(8 * 1024 * 1024), 'config.json': '{}' });
  });
  afterAll(() => term?.kill());

  it('upload shows one bar per file in flight and an overall bar with bytes, rate and ETA', async () => {
    const s = term.run(h.env, ['upload', repo, src, '--limit-rate', '4M', '--max-workers', '2']);
    const screens: string[] = [];
    await waitFor(() => (screens.push(term.screen(s)), screens[screens.length - 1].includes('EXIT=')), 60_000, 'the upload to finish');
    const during = screens.find((x) => /big\.bin\s+\|[█░]+\|\s+\d+%/.test(x) && /upload \(\d+ in flight\)\s+\|[█░]+\|\s+\d+% .+\/s +ETA/.test(x));
    expect(during).toBeDefined();
    // Both large files in flight at once, each on its own bar.
    expect(screens.some((x) => x.includes('weights/big.bin') && x.includes('weights/other.bin'))).toBe(true);
    const end = screens[screens.length - 1];
    expect(end).toContain('EXIT=0');
    expect(end).toMatch(/Committed 3 files \(20\.0 MiB\)/);
  });

  it('download shows the bars too', async () => {
    const s = term.run(h.env, ['download', repo, '--local-dir', 'out', '--limit-rate', '8M']);
    const screens: string[] = [];
    await waitFor(() => (screens.push(term.screen(s)), screens[screens.length - 1].includes('EXIT=')), 60_000, 'the download to finish');
    expect(screens.some((x) => /download \(\d+ in flight\)\s+\|[█░]+\|\s+\d+%/.test(x) && /weights\/big\.bin\s+\|[█░]+\|/.test(x))).toBe(true);
    expect(screens[screens.length - 1]).toContain('EXIT=0');
  });

  it('license request shows the terms, asks the questions and for acceptance', async () => {
    const org = await createOrg(h.hub, h.user);
    const gated = `${org}/gated`;
    await cliJson(['repo', 'create', gated], h.env);
    const offer = await publishOffer(h.hub, h.user, gated, {
      kind: 'custom',
      title: 'Evaluation licence',
      terms: '# Evaluation\n\nNo production use.',
      approval: 'auto',
      questions: [{ id: 'use-case', text: 'What will you use the model for?' }],
    });
    const other = await registerUser(h.hub);
    const env = cliEnv(h.url, { MODELHUB_TOKEN: await createToken(h.hub, other, ['read', 'write']) });
    const s = term.run(env, ['license', 'request', offer.id]);
    await waitFor(() => term.screen(s).includes('What will you use the model for?'), 30_000, 'the question');
    const screen = term.screen(s);
    expect(screen).toContain('Evaluation licence');
    expect(screen).toContain('--- terms ---');
    expect(screen).toContain('No production use.');
    term.keys(s, 'Benchmarks', 'Enter');
    await waitFor(() => term.screen(s).includes('Accept terms version 1? [y/N]'), 30_000, 'the acceptance prompt');
    term.keys(s, 'y', 'Enter');
    await waitFor(() => term.screen(s).includes('EXIT='), 30_000, 'the request');
    expect(term.screen(s)).toMatch(/Granted: request .+ approved at once/);
    expect(term.screen(s)).toContain('EXIT=0');
  });
});

describe('modelhub progress without a terminal', () => {
  it('prints periodic plain lines, and nothing with --quiet', async () => {
    const repo = `${h.user.username}/plain`;
    await cliJson(['repo', 'create', repo], h.env);
    const src = path.join(h.env.home, 'plain-src');
    writeFiles(src, { 'big.bin': randomBytes(6 * 1024 * 1024) });
    const plain = await cli(['upload', repo, src, '--limit-rate', '8M'], h.env);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toMatch(/^upload: \d+% [\d.]+ (B|KiB|MiB) \/ 6\.00 MiB, .+\/s.*, \d+ files in flight$/m);
    expect(plain.stderr).not.toMatch(/[█░]/);
    const quiet = await cli(['download', repo, '--local-dir', 'q', '--quiet'], h.env);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout.trim()).toBe(path.join(h.env.home, 'q'));
  });
});
