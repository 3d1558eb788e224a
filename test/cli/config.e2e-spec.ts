import fs from 'node:fs';
import path from 'node:path';
import { createToken, registerUser } from '../support/factories';
import { cli, cliEnv, cliJson, type CliHub, startCliHub } from './cli-support';

/** Every command the CLI has, each of which must show examples in its --help. */
const COMMANDS = [
  'login',
  'logout',
  'whoami',
  'repo create',
  'repo delete',
  'info',
  'ls',
  'search',
  'upload',
  'download',
  'versions list',
  'versions create',
  'versions deprecate',
  'offers',
  'license request',
  'license status',
  'license requests',
  'license approve',
  'license reject',
  'license cancel',
  'license grants',
  'license revoke',
  'usage',
  'tokens create',
  'tokens list',
  'tokens revoke',
  'offers create',
  'offers edit',
  'offers withdraw',
  'proposals list',
  'proposals show',
  'proposals comment',
  'proposals review',
  'proposals merge',
  'proposals close',
  'proposals reopen',
  'deployments list',
  'deployments create',
  'deployments show',
  'deployments stop',
  'deployments delete',
  'infer',
];

describe('modelhub: configuration, profiles, exit codes', () => {
  let h: CliHub;
  beforeAll(async () => {
    h = await startCliHub();
  });
  afterAll(() => h.hub.close());

  it('shows --help with examples on every command, and exits 0', async () => {
    const top = await cli(['--help'], cliEnv());
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('Exit codes: 0 ok, 1 error, 2 usage, 3 not found, 4 forbidden');
    expect(top.stdout).toMatch(/Datasets: repo create, upload, download, info, ls and search take\s+--type\s+dataset/);
    const helps = await Promise.all(COMMANDS.map((c) => cli([...c.split(' '), '--help'], cliEnv())));
    helps.forEach((r, i) => {
      expect({ command: COMMANDS[i], code: r.code }).toEqual({ command: COMMANDS[i], code: 0 });
      expect(r.stdout).toContain('Examples:\n  $ modelhub');
    });
  });

  it('answers usage errors with exit code 2', async () => {
    const env = cliEnv(h.url);
    expect((await cli(['info'], env)).code).toBe(2); // missing argument
    expect((await cli(['frobnicate'], env)).code).toBe(2); // unknown command
    expect((await cli(['info', 'not-a-repo-id'], env)).code).toBe(2);
    expect((await cli(['download', 'a/b', '--max-workers', 'zero'], env)).code).toBe(2);
  });

  it('logs in with --token: checks it, stores it 0600, and whoami reads it back', async () => {
    const env = cliEnv(); // no MODELHUB_ENDPOINT: the endpoint comes from the profile
    const login = await cliJson(['login', '--endpoint', h.url, '--token', h.token], env);
    expect(login).toMatchObject({ profile: 'default', endpoint: h.url, username: h.user.username, role: 'write' });
    const file = path.join(env.env.XDG_CONFIG_HOME, 'modelhub', 'config.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    const me = await cliJson<{ name: string; endpoint: string; tokenSource: string }>(['whoami'], env);
    expect(me).toMatchObject({ name: h.user.username, endpoint: h.url, tokenSource: 'profile default' });

    const human = await cli(['whoami'], env);
    expect(human.stdout).toContain(`user:       ${h.user.username}`);

    const out = await cliJson(['logout'], env);
    expect(out).toEqual({ profile: 'default', loggedOut: true });
    const after = await cli(['whoami', '--json'], env);
    expect(after.code).toBe(4);
    expect(JSON.parse(after.stderr)).toMatchObject({ code: 'not_logged_in', exitCode: 4 });
  });

  it('logs in from a token on standard input; a bad token is refused (exit 4) and not stored', async () => {
    const env = cliEnv(h.url);
    const bad = await cli(['login'], env, { input: 'hf_not_a_real_token\n' });
    expect(bad.code).toBe(4);
    expect(fs.existsSync(path.join(env.env.XDG_CONFIG_HOME, 'modelhub', 'config.json'))).toBe(false);
    const good = await cli(['login'], env, { input: `${h.token}\n` });
    expect(good.code).toBe(0);
    expect(good.stdout).toContain(`as ${h.user.username}`);
  });

  it('keeps named profiles apart; --token, MODELHUB_TOKEN and HF_TOKEN/HF_ENDPOINT are honoured', async () => {
    const other = await registerUser(h.hub);
    const otherToken = await createToken(h.hub, other, ['read']);
    const env = cliEnv();
    await cliJson(['login', '--endpoint', h.url, '--token', h.token], env);
    await cliJson(['login', '--profile', 'second', '--endpoint', h.url, '--token', otherToken], env);
    // The last login is the current profile; --profile picks another.
    expect((await cliJson(['whoami'], env)).name).toBe(other.username);
    expect((await cliJson(['whoami', '--profile', 'default'], env)).name).toBe(h.user.username);
    expect((await cliJson(['whoami', '--token', h.token], env)).name).toBe(h.user.username);
    expect((await cliJson(['whoami'], { ...env, env: { ...env.env, MODELHUB_PROFILE: 'default' } })).name).toBe(h.user.username);

    // Hugging Face's variables, for people coming from its tools.
    const hf = cliEnv(undefined, { HF_ENDPOINT: h.url, HF_TOKEN: otherToken });
    expect(await cliJson(['whoami'], hf)).toMatchObject({ name: other.username, tokenSource: 'HF_TOKEN' });
    // A stored login is never sent to another endpoint.
    const elsewhere = await cli(['whoami', '--endpoint', 'http://127.0.0.1:9'], env);
    expect(elsewhere.code).toBe(4);
    expect(elsewhere.stderr).toContain('Not logged in to http://127.0.0.1:9');
  });

  it('exits 3 for what does not exist, 1 when the hub cannot be reached', async () => {
    const nf = await cli(['info', `${h.user.username}/nothing-here`, '--json'], h.env);
    expect(nf.code).toBe(3);
    expect(JSON.parse(nf.stderr)).toMatchObject({ status: 404, exitCode: 3 });
    const down = await cli(['info', 'a/b', '--endpoint', 'http://127.0.0.1:9'], h.env);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('Cannot reach the hub at http://127.0.0.1:9');
  });

  it('creates, lists and revokes tokens', async () => {
    const created = await cliJson<{ id: string; token: string; scopes: string[] }>(
      ['tokens', 'create', 'ci', '--scope', 'read', '--scope', 'write', '--expires-in-days', '7'],
      h.env,
    );
    expect(created.token).toMatch(/^hf_/);
    expect(created.scopes).toEqual(['read', 'write']);
    const listed = await cliJson<{ id: string; name: string }[]>(['tokens', 'list'], h.env);
    expect(listed.map((t) => t.id)).toContain(created.id);
    const table = await cli(['tokens', 'list'], h.env);
    expect(table.stdout).toMatch(/^ID\s+NAME\s+SCOPES/);
    expect(await cliJson(['tokens', 'revoke', created.id], h.env)).toEqual({ revoked: created.id });
    const revoked = await cli(['whoami'], { ...h.env, env: { ...h.env.env, MODELHUB_TOKEN: created.token } });
    expect(revoked.code).toBe(4);
  });
});
