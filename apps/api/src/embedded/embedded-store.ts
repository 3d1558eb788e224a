import path from 'node:path';
import type { HubConfig, ResolvedHubConfig } from '../config/hub-config';
import { dataFolderSecret } from './data-folder-secret';
import { startEmbeddedS3 } from './embedded-s3';

/**
 * The hub's own object store (no S3_ENDPOINT): s3rver under `<dataDir>/s3`, private to this process
 * (a unix socket in a 0700 folder), and the secret that signs the storage gateway's URLs (kept in
 * the data folder, so URLs outlive a restart). Returns the S3 settings the app runs with.
 */
export async function startEmbeddedStore(config: HubConfig): Promise<{ s3: ResolvedHubConfig['s3']; stop(): Promise<void> }> {
  const embedded = await startEmbeddedS3(path.join(config.dataDir, 's3'), { private: true });
  try {
    const urlSecret = await dataFolderSecret(config.dataDir, 'storage-url-secret');
    const s3: ResolvedHubConfig['s3'] = {
      ...config.s3,
      endpoint: embedded.endpoint,
      publicEndpoint: undefined,
      accessKeyId: embedded.accessKeyId,
      secretAccessKey: embedded.secretAccessKey,
      forcePathStyle: true,
      embedded: {
        socketPath: embedded.socketPath!,
        urlSecret,
        handler: embedded.handler,
        rename: embedded.rename,
        hashOf: embedded.hashOf,
        abortUpload: embedded.abortUpload,
      },
    };
    return { s3, stop: embedded.stop };
  } catch (err) {
    await embedded.stop();
    throw err;
  }
}
