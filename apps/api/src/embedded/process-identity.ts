import { readFileSync, readlinkSync } from 'node:fs';

/**
 * A process as the kernel knows it: pid plus start time (and boot), so that a pid the system
 * handed to another process since is not mistaken for the one recorded. Without /proc (not
 * Linux) the start time is unknown and only the pid is compared.
 */
export interface ProcessIdentity {
  pid: number;
  startTime?: string;
  bootId?: string;
}

/** Fields of /proc/<pid>/stat after the command name: 0 state, 1 ppid, 19 start time. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
}

let procAvailable: boolean | undefined;
const hasProc = () => (procAvailable ??= statFields(process.pid) !== undefined);

export function identityOf(pid: number): ProcessIdentity | undefined {
  if (!hasProc()) return pidExists(pid) ? { pid } : undefined;
  const fields = statFields(pid);
  if (!fields || fields[0] === 'Z') return undefined;
  return { pid, startTime: fields[19], bootId: bootId() };
}

/** Whether the process `recorded` names is still the one running under its pid. */
export function isRunning(recorded: ProcessIdentity): boolean {
  const now = identityOf(recorded.pid);
  return !!now && now.startTime === recorded.startTime && now.bootId === recorded.bootId;
}

export function parentPid(pid: number): number | undefined {
  const fields = statFields(pid);
  return fields ? Number(fields[1]) : undefined;
}

/** The file a live process runs (Linux), to tell a PostgreSQL server from another process that got its pid. */
export function executableOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return undefined;
  }
}

export function pidExists(pid: number): boolean {
  if (!(pid > 0)) return false;
  if (hasProc()) return identityOf(pid) !== undefined;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Resolves true once `pid` is gone, false if it still runs after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (pidExists(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}
