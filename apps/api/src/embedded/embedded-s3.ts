import { mkdtempSync } from 'node:fs';
import fs from 'node:fs/promises';
import type { RequestListener, Server } from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';
import type { ArrivalHash } from '../storage/object-storage';
import { type FilesystemStore, hookMultipartAssembly } from './multipart-store-hooks';

export interface RunningS3 {
  /** What an S3 client names as its endpoint (with `socketPath`, only its path style matters). */
  endpoint: string;
  /** Set when the server listens on a unix socket rather than a TCP port. */
  socketPath?: string;
  /** The server's HTTP handler, for requests the hub has checked and hands over in-process. */
  handler: RequestListener;
  /** Moves an object to another key by renaming its files (no copy of the bytes). */
  rename: (bucket: string, fromKey: string, toKey: string) => Promise<void>;
  /** The sha256 of an object completed from parts assembled and hashed as they landed, if it is one. */
  hashOf: (bucket: string, key: string) => ArrivalHash | null;
  /** Aborts a multipart upload: its parts' files go (s3rver's API has no AbortMultipartUpload). */
  abortUpload: (bucket: string, uploadId: string) => Promise<void>;
  accessKeyId: string;
  secretAccessKey: string;
  stop(): Promise<void>;
}

/** Longest unix socket path Linux takes (sun_path is 108 bytes, NUL included), with a margin. */
const MAX_SOCKET_PATH = 100;

/**
 * An S3-compatible server in this process (`s3rver`), storing objects under `dir`. It checks no
 * signature, so whoever can connect to it can read and write everything.
 *
 * `private` (the hub's embedded store): it listens on a unix socket inside `dir`, and `dir` is
 * made 0700 and the socket 0600, so that no other local user reaches the server or its files;
 * clients reach objects only through the hub's storage gateway. Otherwise (test fixtures, benchmark
 * references) it listens on 127.0.0.1 at `port` or a free port.
 */
export async function startEmbeddedS3(dir: string, options: { private: true } | { port?: number } = {}): Promise<RunningS3> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const S3rver = require('s3rver');
  await fs.mkdir(dir, { recursive: true });
  const server = new S3rver({ directory: dir, silent: true });
  // `silent` mutes its console transport only; this also skips formatting a line per request.
  server.logger.silent = true;
  const store = server.store as FilesystemStore;
  const assembly = hookMultipartAssembly(store);
  await assembly.sweep(dir);
  const rename = renamer(store);
  const credentials = {
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    hashOf: assembly.hashOf,
    abortUpload: assembly.abort,
    rename: async (bucket: string, fromKey: string, toKey: string) => {
      assembly.forget(bucket, fromKey);
      assembly.forget(bucket, toKey);
      await rename(bucket, fromKey, toKey);
    },
  };
  if ('private' in options) {
    await fs.chmod(dir, 0o700);
    const socketPath = await claimSocketPath(dir);
    const httpServer: Server = await server.listen(socketPath);
    await fs.chmod(socketPath, 0o600);
    return {
      endpoint: 'http://localhost',
      socketPath,
      handler: server.callback(),
      ...credentials,
      stop: () => closeServer(httpServer, socketPath).finally(assembly.stop),
    };
  }
  const port = ('port' in options && options.port) || (await freePort());
  const httpServer: Server = await server.listen(port, '127.0.0.1');
  return { endpoint: `http://127.0.0.1:${port}`, handler: server.callback(), ...credentials, stop: () => closeServer(httpServer).finally(assembly.stop) };
}

/**
 * `<dir>/.s3.sock` (not a bucket: s3rver lists directories only), or one in a new 0700 folder
 * under the system's temporary folder when the data folder's path is too long for a socket.
 * A socket left by a hub that died is removed; one that a live hub answers on is refused.
 */
async function claimSocketPath(dir: string): Promise<string> {
  let socketPath = path.join(dir, '.s3.sock');
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) socketPath = path.join(mkdtempSync(path.join(os.tmpdir(), 'hub-s3-')), 's3.sock');
  const stat = await fs.lstat(socketPath).catch(() => null);
  if (!stat) return socketPath;
  if (!stat.isSocket()) throw new Error(`${socketPath} exists and is not a socket; move it away`);
  if (await answers(socketPath)) throw new Error(`The embedded S3 store in ${dir} is in use by another running hub`);
  await fs.unlink(socketPath);
  return socketPath;
}

function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function closeServer(httpServer: Server, socketPath?: string): Promise<void> {
  // Keep-alive connections (the hub's own S3 client) would otherwise hold close() open.
  const closed = new Promise<void>((resolve, reject) => httpServer.close((err) => (err ? reject(err) : resolve())));
  httpServer.closeAllConnections();
  await closed;
  if (socketPath) await fs.rm(socketPath, { force: true });
}

/** An object is three files (bytes, md5, metadata); the bytes go last, as their presence is the object's. */
function renamer(store: FilesystemStore) {
  return async (bucket: string, fromKey: string, toKey: string): Promise<void> => {
    await fs.mkdir(path.dirname(store.getResourcePath(bucket, toKey, 'object')), { recursive: true });
    for (const resource of ['object.md5', 'metadata.json', 'object']) {
      await fs.rename(store.getResourcePath(bucket, fromKey, resource), store.getResourcePath(bucket, toKey, resource)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT' || resource === 'object') throw err;
      });
    }
  };
}
