import cliProgress from 'cli-progress';
import { formatBytes, formatDuration } from '../core/format';

/** One file's bar (TTY) or share of the periodic line. */
export interface FileProgress {
  add(n: number): void;
  done(): void;
}

export type ProgressMode = 'tty' | 'plain' | 'quiet';

export function progressMode(quiet: boolean, json: boolean): ProgressMode {
  if (quiet) return 'quiet';
  if (process.env.MODELHUB_PROGRESS === 'plain' || process.env.MODELHUB_PROGRESS === 'tty' || process.env.MODELHUB_PROGRESS === 'quiet')
    return process.env.MODELHUB_PROGRESS;
  return process.stderr.isTTY && !json ? 'tty' : 'plain';
}

/** Rate over the last seconds (a sliding window), for the rate and the ETA. */
class RateWindow {
  private samples: [number, number][] = [];

  push(total: number): number {
    const now = Date.now();
    this.samples.push([now, total]);
    while (this.samples.length > 2 && now - this.samples[0][0] > 5000) this.samples.shift();
    const [t0, b0] = this.samples[0];
    return now - t0 > 0 ? ((total - b0) * 1000) / (now - t0) : 0;
  }
}

const NAME_WIDTH = 32;
const shortName = (name: string) => (name.length <= NAME_WIDTH ? name.padEnd(NAME_WIDTH) : `…${name.slice(-(NAME_WIDTH - 1))}`);

/**
 * Transfer progress on stderr: on a terminal one bar per file in flight and one overall (bytes,
 * rate, ETA); otherwise a plain line every few seconds (MODELHUB_PROGRESS_INTERVAL_MS, default
 * 5000) and one at the end; nothing when quiet.
 */
export class ProgressDisplay {
  private multi?: cliProgress.MultiBar;
  private overall?: cliProgress.SingleBar;
  private timer?: NodeJS.Timeout;
  private done = 0;
  private total = 0;
  private inFlight = 0;
  private readonly rate = new RateWindow();
  private readonly started = Date.now();

  constructor(
    readonly mode: ProgressMode,
    readonly verb: string,
  ) {}

  /** Starts the display once the total is known. */
  start(totalBytes: number, files: number): void {
    this.total = totalBytes;
    if (this.mode === 'tty') {
      this.multi = new cliProgress.MultiBar(
        {
          stream: process.stderr,
          clearOnComplete: false,
          hideCursor: true,
          forceRedraw: false,
          fps: 8,
          barsize: 24,
          autopadding: true,
          format: ' {name} |{bar}| {percentage}% {value_h}/{total_h} {rate_h}  {eta_h}',
        },
        cliProgress.Presets.shades_classic,
      );
      this.overall = this.multi.create(Math.max(totalBytes, 1), 0, this.payload(`${this.verb} ${files} files`, 0, totalBytes));
      // Ctrl-C: give the terminal its cursor back (the state on disk lets a rerun resume).
      process.once('SIGINT', () => {
        this.multi?.stop();
        process.stderr.write(`\nInterrupted: run the same command again to resume.\n`);
        process.exit(130);
      });
    } else if (this.mode === 'plain') {
      const every = Number(process.env.MODELHUB_PROGRESS_INTERVAL_MS) || 5000;
      this.timer = setInterval(() => this.printLine(), every);
      this.timer.unref();
    }
  }

  file(name: string, size: number): FileProgress {
    this.inFlight++;
    let bar: cliProgress.SingleBar | undefined;
    let value = 0;
    if (this.multi) bar = this.multi.create(Math.max(size, 1), 0, this.payload(name, 0, size));
    let finished = false;
    return {
      add: (n) => {
        value += n;
        this.done += n;
        bar?.update(value, this.payload(name, value, size));
        this.updateOverall();
      },
      done: () => {
        if (finished) return;
        finished = true;
        this.inFlight--;
        if (bar) this.multi!.remove(bar);
      },
    };
  }

  /** Bytes that need no transfer (already there): counted as done. */
  skip(n: number): void {
    this.done += n;
    this.updateOverall();
  }

  stop(summary?: string): void {
    if (this.timer) clearInterval(this.timer);
    if (this.multi) {
      this.updateOverall(true);
      this.multi.stop();
    }
    if (this.mode !== 'quiet' && summary) process.stderr.write(`${summary}\n`);
  }

  private updateOverall(force = false): void {
    if (!this.overall) return;
    const payload = this.payload(`${this.verb} (${this.inFlight} in flight)`, this.done, this.total);
    if (force) this.overall.update(this.done, payload);
    else this.overall.update(Math.min(this.done, this.total), payload);
  }

  private payload(name: string, value: number, size: number) {
    const rate = name.startsWith(this.verb) ? this.rate.push(value) : 0;
    const eta = rate > 0 ? formatDuration((size - value) / rate) : '';
    return {
      name: shortName(name),
      value_h: formatBytes(value),
      total_h: formatBytes(size),
      rate_h: rate > 0 ? `${formatBytes(rate)}/s` : '',
      eta_h: eta ? `ETA ${eta}` : '',
    };
  }

  private printLine(): void {
    const rate = this.rate.push(this.done);
    const pct = this.total ? Math.floor((this.done / this.total) * 100) : 100;
    const eta = rate > 0 ? `, ETA ${formatDuration((this.total - this.done) / rate)}` : '';
    process.stderr.write(
      `${this.verb}: ${pct}% ${formatBytes(this.done)} / ${formatBytes(this.total)}, ${formatBytes(rate)}/s${eta}, ${this.inFlight} files in flight\n`,
    );
  }

  /** Seconds since the start. */
  elapsed(): number {
    return (Date.now() - this.started) / 1000;
  }
}
