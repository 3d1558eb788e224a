import { type Hash } from 'node:crypto';
import fs from 'node:fs';
import http, { type ClientRequest, type IncomingMessage } from 'node:http';
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

const counter = (meter: Meter, counted: { n: number }, hash?: Hash) =>
  new Transform({
    transform(chunk: Buffer, _enc, callback) {
      const pass = () => {
        hash?.update(chunk);
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

/** A request whose body the caller writes; `response` settles with its answer or its failure. */
function open(method: string, url: string, headers: Record<string, string>): { req: ClientRequest; response: Promise<IncomingMessage> } {
  const u = new URL(url);
  const lib = u.protocol === 'https:' ? https : http;
  const req = lib.request(u, { method, headers, agent: agents[u.protocol as 'http:' | 'https:'] });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.on('response', resolve);
    req.on('error', reject);
  });
  return { req, response };
}

/** A request without a body. */
function send(method: string, url: string, headers: Record<string, string>): Promise<IncomingMessage> {
  const { req, response } = open(method, url, headers);
  req.end();
  return response;
}

/** Read buffers per PUT: 4 of 256 KiB, each back in use once the socket has taken its bytes. */
const PUT_CHUNK = 256 * 1024;
const PUT_CHUNKS = 4;

/**
 * Writes bytes `[start, start + length)` of `file` as the body of `req`, read into a few reused
 * buffers: reading gigabytes through fresh stream chunks leaves garbage that V8 frees late, which
 * on a loaded machine grew the process by hundreds of MB (bench/README.md, Command line).
 */
async function writeFileRange(req: ClientRequest, file: string, start: number, length: number, meter: Meter, counted: { n: number }): Promise<void> {
  const failed = new Promise<never>((_, reject) => req.once('close', () => reject(new Error('the connection closed before the body was sent'))));
  failed.catch(() => undefined);
  const free: Buffer[] = Array.from({ length: PUT_CHUNKS }, () => Buffer.allocUnsafe(Math.min(PUT_CHUNK, Math.max(length, 1))));
  let waiting: ((b: Buffer) => void) | null = null;
  const release = (b: Buffer) => {
    const w = waiting;
    waiting = null;
    if (w) w(b);
    else free.push(b);
  };
  const fh = await fs.promises.open(file, 'r');
  try {
    for (let pos = start, end = start + length; pos < end;) {
      const buf = free.pop() ?? (await Promise.race([new Promise<Buffer>((r) => (waiting = r)), failed]));
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, end - pos), pos);
      if (bytesRead === 0) throw new CliError(`${file} changed while it was uploaded: it is shorter than ${start + length} bytes`);
      if (meter.limiter) await meter.limiter.take(bytesRead);
      pos += bytesRead;
      counted.n += bytesRead;
      meter.onBytes(bytesRead);
      req.write(buf.subarray(0, bytesRead), () => release(buf));
    }
    req.end();
  } finally {
    await fh.close();
  }
}

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
      const { req, response } = open('PUT', url, { ...headers, 'Content-Length': String(length) });
      const writing = writeFileRange(req, file, start, length, meter, counted);
      // A body that cannot be read fails the request; one the storage refused early is not waited for.
      writing.catch((err: Error) => req.destroy(err));
      const res = await Promise.race([response, writing.then(() => response)]);
      if (res.statusCode! >= 200 && res.statusCode! < 300) {
        await writing;
        res.resume();
        return (res.headers.etag as string | undefined) ?? null;
      }
      const text = await drain(res);
      // Refused before the whole body went: the rest is not read from disk for nothing.
      req.destroy();
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

/**
 * Writes the body of an answer already received (e.g. a small file the hub served inline) to
 * `file`, through `hash` on the way: the copy on disk need not be read back to be checked.
 */
export async function writeBody(body: ReadableStream<Uint8Array>, file: string, meter: Meter, hash?: Hash): Promise<number> {
  const counted = { n: 0 };
  await pipeline(Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>), counter(meter, counted, hash), fs.createWriteStream(file));
  return counted.n;
}
