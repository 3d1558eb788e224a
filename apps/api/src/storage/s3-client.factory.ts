import { S3Client } from '@aws-sdk/client-s3';
import type { ResolvedHubConfig } from '../config/hub-config';
import { UnixSocketAgent } from './unix-socket-agent';

/** An S3 client for the given endpoint (the internal one, or the public one for presigning). */
export function createS3Client(config: ResolvedHubConfig, endpoint = config.s3.endpoint): S3Client {
  // The SDK warns on every start that future releases will need Node 22; the hub supports 20.19+
  // with the SDK versions it pins, so the warning only adds noise to the logs.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return new S3Client({
    endpoint,
    region: config.s3.region,
    forcePathStyle: config.s3.forcePathStyle,
    credentials: { accessKeyId: config.s3.accessKeyId, secretAccessKey: config.s3.secretAccessKey },
    // Many S3-compatible servers (MinIO's older releases, s3rver) lack the SDK's default CRC32 checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // The embedded store has no TCP port: every connection goes to its private socket.
    requestHandler: config.s3.embedded ? { httpAgent: new UnixSocketAgent(config.s3.embedded.socketPath) } : undefined,
  });
}
