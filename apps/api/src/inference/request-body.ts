import { HttpStatus } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { HubException } from '../common/hub-exception';

export const bodyTooLarge = (limit: number) =>
  new HubException(HttpStatus.PAYLOAD_TOO_LARGE, 'payload_too_large', `The infer request is larger than this deployment's limit of ${limit} bytes`);

/**
 * Reads a request body, refusing (413) as soon as it exceeds `limit`: never more than `limit`
 * bytes are held. A Content-Length over the limit is refused before reading anything. With a
 * Content-Length, the chunks are copied into one buffer of that size that owns its memory (no
 * slice of Node's pool), which JsonParsePool can then move to its thread without a copy.
 */
export async function readLimitedBody(stream: Readable, declaredLength: string | undefined, limit: number): Promise<Buffer> {
  const declared = declaredLength === undefined ? undefined : Number(declaredLength);
  if (declared !== undefined && declared > limit) {
    stream.resume();
    throw bodyTooLarge(limit);
  }
  const whole = declared !== undefined && Number.isSafeInteger(declared) && declared > 0 ? Buffer.allocUnsafeSlow(declared) : null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = chunk as Buffer;
    if (size + bytes.length > limit) {
      stream.resume();
      throw bodyTooLarge(limit);
    }
    // Node's HTTP parser ends a body at its Content-Length; another stream might not.
    if (whole && size + bytes.length > whole.length) throw HubException.badRequest('invalid_request', 'The body is longer than its Content-Length');
    if (whole) bytes.copy(whole, size);
    else chunks.push(bytes);
    size += bytes.length;
  }
  if (!whole) return Buffer.concat(chunks);
  return size === whole.length ? whole : whole.subarray(0, size);
}
