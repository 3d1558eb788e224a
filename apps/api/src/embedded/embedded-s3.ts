import fs from 'node:fs/promises';
import { freePort } from './free-port';

export interface RunningS3 {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  stop(): Promise<void>;
}

/**
 * An S3-compatible server in this process (`s3rver`), storing objects under `dir`. It does not
 * check signatures, so it is for one machine and for tests; production points S3_ENDPOINT at a
 * real service.
 */
export async function startEmbeddedS3(dir: string, port?: number): Promise<RunningS3> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const S3rver = require('s3rver');
  await fs.mkdir(dir, { recursive: true });
  const listenPort = port ?? (await freePort());
  const server = new S3rver({ port: listenPort, address: '127.0.0.1', directory: dir, silent: true });
  await server.run();
  return {
    endpoint: `http://127.0.0.1:${listenPort}`,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    stop: () => server.close(),
  };
}
