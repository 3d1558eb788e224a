import fs from 'node:fs';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CliError } from '../core/errors';
import { type RateLimiter } from './rate-limiter';

/** Byte counting for progress, and the optional rate limit, on every transfer. */
export interface Meter {
  limiter?: RateLimiter;
  onBytes(n: number): void;
}

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

const RETRIES = 4;

/** One HTTP request with a streamed body, on keep-alive sockets (fetch would buffer or chunk it). */
function send(method: string, url: string, headers: Record<string, string>, body?: Readable): Promise<IncomingMessage> {
  const u = new URL(url);
  const lib = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(u, { method, headers, agent: agents[u.protocol as 'http:' | 'https:'] }, resolve);
    req.on('error', reject);
    if (body) {
      body.on('error', (err) => req.destroy(err));
      body.pipe(req);
    } else req.end();
  });
}

const counter = (meter: Meter, counted: { n: number }) =>
  new Transform({
    transform(chunk: Buffer, _enc, callback) {
      const pass = () => {
        counted.n += chunk.length;
        meter.onBytes(chunk.length);
        callback(null, chunk);
      };
      if (meter.limiter) meter.limiter.take(chunk.length).then(pass, callback);
      else pass();
    },
  });

async function drain(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').slice(0, 500);
}

const retriable = (status: number) => status >= 500 || status === 429;
const backoff = (attempt: number) => new Promise((r) => setTimeout(r, 200 * 2 ** attempt));

/**
 * PUTs `length` bytes of `file` from `start` to a presigned URL, streamed from disk; returns the
 * ETag. Retries network failures and 5xx (the bytes counted are taken back first).
 */
export async function putFileRange(
  url: string,
  file: string,
  start: number,
  length: number,
  meter: Meter,
  headers: Record<string, string> = {},
): Promise<string | null> {
  for (let attempt = 0; ; attempt++) {
    const counted = { n: 0 };
    try {
      const body =
        length > 0 ? fs.createReadStream(file, { start, end: start + length - 1, highWaterMark: 256 * 1024 }).pipe(counter(meter, counted)) : Readable.from([]);
      const res = await send('PUT', url, { ...headers, 'Content-Length': String(length) }, body);
      if (res.statusCode! >= 200 && res.statusCode! < 300) {
        res.resume();
        return (res.headers.etag as string | undefined) ?? null;
      }
      const text = await drain(res);
      if (!retriable(res.statusCode!) || attempt >= RETRIES) throw new CliError(`Upload to storage failed: ${res.statusCode} ${text}`);
    } catch (err) {
      if (err instanceof CliError || attempt >= RETRIES)
        throw err instanceof CliError ? err : new CliError(`Upload to storage failed: ${(err as Error).message}`);
    }
    meter.onBytes(-counted.n);
    await backoff(attempt);
  }
}

export class UrlExpired extends Error {}

/**
 * GETs bytes `[start, end)` of `url` into `file` at the same offset (the file exists; several
 * ranges are written at once). `url()` is asked again on every attempt, so an expired presigned
 * URL can be replaced. Returns the bytes written.
 */
export async function getRangeInto(url: (attempt: number) => Promise<string>, file: string, start: number, end: number | null, meter: Meter): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const counted = { n: 0 };
    try {
      const range = end === null ? (start > 0 ? `bytes=${start}-` : undefined) : `bytes=${start}-${end - 1}`;
      const res = await send('GET', await url(attempt), range ? { Range: range } : {});
      const ok = range ? res.statusCode === 206 : res.statusCode === 200;
      if (ok) {
        await pipeline(res, counter(meter, counted), fs.createWriteStream(file, { flags: 'r+', start }));
        if (end !== null && counted.n !== end - start) throw new Error(`short read: ${counted.n} of ${end - start} bytes`);
        return counted.n;
      }
      const text = await drain(res);
      if (res.statusCode === 403 && attempt < RETRIES) throw new UrlExpired(text);
      if (!retriable(res.statusCode!) || attempt >= RETRIES) throw new CliError(`Download failed: ${res.statusCode} ${text}`);
    } catch (err) {
      if (err instanceof CliError) throw err;
      if (attempt >= RETRIES) throw new CliError(`Download failed: ${(err as Error).message}`);
    }
    meter.onBytes(-counted.n);
    await backoff(attempt);
  }
}

/** Writes the body of an answer already received (e.g. a small file the hub served inline) to `file`. */
export async function writeBody(body: ReadableStream<Uint8Array>, file: string, meter: Meter): Promise<number> {
  const counted = { n: 0 };
  await pipeline(Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>), counter(meter, counted), fs.createWriteStream(file));
  return counted.n;
}
