import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { cliJson, type CliHub, startCli, startCliHub, waitFor, writeFiles } from './cli-support';
import { INITIAL_FILES } from '../registry/commits-support';

const MiB = 1024 * 1024;
const PART = 5 * MiB; // the test hub's MULTIPART_CHUNK_SIZE

/** Files below `dir` whose name ends with `suffix` (recursive). */
function findFiles(dir: string, suffix: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(suffix))
    .map((f) => path.join(dir, f));
}
const lines = (file: string | undefined) => (file && fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0);

/** The bytes the last plain progress line reported ("upload: 37% 15.0 MiB / 40.0 MiB, ..."). */
function lastReportedBytes(stderr: string, verb: string): number {
  const all = [...stderr.matchAll(new RegExp(`^${verb}: \\d+% ([\\d.]+) (B|KiB|MiB|GiB) /`, 'gm'))];
  if (!all.length) return 0;
  const [, n, unit] = all[all.length - 1];
  return Number(n) * { B: 1, KiB: 1024, MiB: MiB, GiB: 1024 * MiB }[unit as 'B'];
}

/**
 * Interrupted transfers, killed with SIGKILL part-way and run again: they complete with identical
 * bytes, and what is sent again is measured. One transfer in flight (--max-workers 1) and a rate
 * limit, so that the kill lands between parts deterministically.
 */
describe('modelhub: resumable upload and download', () => {
  let h: CliHub;
  let repo: string;
  const big = randomBytes(8 * PART - 1234); // 8 parts
  let src: string;

  beforeAll(async () => {
    h = await startCliHub();
    repo = `${h.user.username}/resume`;
    await cliJson(['repo', 'create', repo], h.env);
    src = path.join(h.env.home, 'src');
    writeFiles(src, { 'big.bin': big, 'config.json': '{}' });
  });
  afterAll(() => h.hub.close());

  it('upload: killed after some parts, run again, sends only the missing parts and commits once', async () => {
    const stateDir = path.join(h.env.env.XDG_CACHE_HOME, 'modelhub', 'uploads');
    const run1 = startCli(['upload', repo, src, '--max-workers', '1', '--limit-rate', '8M'], h.env);
    let stderr1 = '';
    run1.child.stderr!.on('data', (d: Buffer) => (stderr1 += d.toString()));
    await waitFor(() => lines(findFiles(stateDir, '.parts')[0]) >= 3, 60_000, 'three parts in the upload state');
    run1.child.kill('SIGKILL');
    const killed = await run1.done;
    expect(killed.signal).toBe('SIGKILL');
    const partsBefore = lines(findFiles(stateDir, '.parts')[0]);
    expect(partsBefore).toBeGreaterThanOrEqual(3);
    expect(partsBefore).toBeLessThan(8);
    // Nothing was committed by the interrupted run.
    expect((await cliJson<{ files: { path: string }[] }>(['ls', repo], h.env)).files.map((f) => f.path)).toEqual(INITIAL_FILES);

    const r = await cliJson<{ files: number; lfs: { resumed: number; partsReused: number; partsSent: number; bytesSent: number } }>(
      ['upload', repo, src],
      h.env,
    );
    expect(r.files).toBe(2);
    expect(r.lfs).toMatchObject({ resumed: 1, partsReused: partsBefore, partsSent: 8 - partsBefore });
    // Sent again: the parts the first run had not finished, bytes for bytes.
    expect(r.lfs.bytesSent).toBe(big.length - partsBefore * PART);
    // Of those, what the first run had already put on the wire: at most the one part it had in flight.
    const resent = Math.max(0, lastReportedBytes(stderr1, 'upload') - partsBefore * PART);
    expect(resent).toBeLessThanOrEqual(PART);
    expect(findFiles(stateDir, '.parts')).toEqual([]);

    const dir = path.join(h.env.home, 'check');
    await cliJson(['download', repo, 'big.bin', '--local-dir', dir], h.env);
    expect(fs.readFileSync(path.join(dir, 'big.bin')).equals(big)).toBe(true);
  });

  it('upload: killed after the last part, while the hub completes it, run again: waits for or reuses that completion', async () => {
    const other = randomBytes(3 * PART - 99);
    const dir = path.join(h.env.home, 'late');
    writeFiles(dir, { 'late.bin': other });
    const stateDir = path.join(h.env.env.XDG_CACHE_HOME, 'modelhub', 'uploads');
    const run1 = startCli(['upload', repo, dir], h.env);
    await waitFor(() => findFiles(stateDir, '.parts').some((f) => lines(f) === 3), 60_000, 'all three parts sent');
    run1.child.kill('SIGKILL');
    await run1.done;
    const r = await cliJson<{ lfs: { resumed: number; partsSent: number; partsReused: number } }>(['upload', repo, dir], h.env);
    expect(r.lfs).toMatchObject({ resumed: 1, partsSent: 0, partsReused: 3 });
    const back = path.join(h.env.home, 'late-back');
    await cliJson(['download', repo, 'late.bin', '--local-dir', back], h.env);
    expect(fs.readFileSync(path.join(back, 'late.bin')).equals(other)).toBe(true);
  });

  it('download: killed after some ranges, run again, fetches only the missing ranges and checks the sha256', async () => {
    const CHUNK = 2 * MiB;
    const env = { ...h.env, env: { ...h.env.env, MODELHUB_DOWNLOAD_CHUNK_SIZE: String(CHUNK) } };
    const dir = path.join(h.env.home, 'resumed');
    const run1 = startCli(['download', repo, 'big.bin', 'config.json', '--local-dir', dir, '--max-workers', '1', '--limit-rate', '8M'], env);
    let stderr1 = '';
    run1.child.stderr!.on('data', (d: Buffer) => (stderr1 += d.toString()));
    const log = path.join(dir, '.modelhub', 'download', 'big.bin.incomplete.parts');
    await waitFor(() => lines(log) >= 5, 60_000, 'five ranges on disk');
    run1.child.kill('SIGKILL');
    await run1.done;
    const before = lines(log);
    const total = Math.ceil(big.length / CHUNK);
    expect(before).toBeLessThan(total);
    expect(fs.existsSync(path.join(dir, 'big.bin'))).toBe(false); // never in place unverified
    expect(fs.existsSync(path.join(dir, '.modelhub', 'download', 'big.bin.incomplete'))).toBe(true);

    const r = await cliJson<{ downloaded: number; bytesFetched: number; bytesResumed: number }>(
      ['download', repo, 'big.bin', 'config.json', '--local-dir', dir],
      env,
    );
    expect(r.bytesResumed).toBe(before * CHUNK);
    const configBytes = 2;
    expect(r.bytesFetched).toBe(big.length - before * CHUNK + (fs.existsSync(path.join(dir, 'config.json')) && r.downloaded === 1 ? 0 : configBytes));
    const resent = Math.max(0, lastReportedBytes(stderr1, 'download') - before * CHUNK - configBytes);
    expect(resent).toBeLessThanOrEqual(CHUNK);
    expect(fs.readFileSync(path.join(dir, 'big.bin')).equals(big)).toBe(true);
    expect(fs.existsSync(path.join(dir, '.modelhub', 'download', 'big.bin.incomplete'))).toBe(false);
  });

  it('download: a corrupted .incomplete is caught by the sha256 check, nothing is put in place', async () => {
    const CHUNK = 2 * MiB;
    const env = { ...h.env, env: { ...h.env.env, MODELHUB_DOWNLOAD_CHUNK_SIZE: String(CHUNK) } };
    const dir = path.join(h.env.home, 'corrupt');
    const run1 = startCli(['download', repo, 'big.bin', '--local-dir', dir, '--max-workers', '1', '--limit-rate', '8M'], env);
    const log = path.join(dir, '.modelhub', 'download', 'big.bin.incomplete.parts');
    await waitFor(() => lines(log) >= 2, 60_000, 'two ranges on disk');
    run1.child.kill('SIGKILL');
    await run1.done;
    const fd = fs.openSync(path.join(dir, '.modelhub', 'download', 'big.bin.incomplete'), 'r+');
    fs.writeSync(fd, Buffer.from('garbage'), 0, 7, 100);
    fs.closeSync(fd);
    const bad = startCli(['download', repo, 'big.bin', '--local-dir', dir], env);
    const r = await bad.done;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('do not match');
    expect(fs.existsSync(path.join(dir, 'big.bin'))).toBe(false);
    // The state was dropped: the next run starts over and succeeds.
    await cliJson(['download', repo, 'big.bin', '--local-dir', dir], env);
    expect(fs.readFileSync(path.join(dir, 'big.bin')).equals(big)).toBe(true);
  });
});
