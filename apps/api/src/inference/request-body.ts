import { HttpStatus } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { HubException } from '../common/hub-exception';

export const bodyTooLarge = (limit: number) =>
  new HubException(HttpStatus.PAYLOAD_TOO_LARGE, 'payload_too_large', `The infer request is larger than this deployment's limit of ${limit} bytes`);

/**
 * Reads a request body, refusing (413) as soon as it exceeds `limit`: never more than `limit`
 * bytes are held. A Content-Length over the limit is refused before reading anything.
 */
export async function readLimitedBody(stream: Readable, declaredLength: string | undefined, limit: number): Promise<Buffer> {
  if (declaredLength !== undefined && Number(declaredLength) > limit) {
    stream.resume();
    throw bodyTooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      stream.resume();
      throw bodyTooLarge(limit);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
