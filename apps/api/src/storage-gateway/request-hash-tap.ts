import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** What passed through a request's body: sha256 and byte count, `ended` once its last byte came. */
export interface RequestHash {
  readonly sha256: () => string;
  readonly size: () => number;
  readonly ended: () => boolean;
}

/**
 * Hashes a request body as the HTTP parser hands it to the request stream, whoever reads it
 * afterwards and whenever: every chunk enters the stream through `push` (null at the end), so the
 * hash sees the same bytes in the same order as the reader, without a 'data' listener that would
 * start the flow before the reader is there.
 */
export function tapRequestHash(req: IncomingMessage): RequestHash {
  const hash = createHash('sha256');
  let size = 0;
  let ended = false;
  let digest: string | undefined;
  const push = req.push.bind(req);
  req.push = (chunk: unknown, encoding?: BufferEncoding) => {
    if (chunk === null) ended = true;
    else if (!ended) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : (chunk as Uint8Array);
      hash.update(bytes);
      size += bytes.length;
    }
    return push(chunk, encoding);
  };
  return { sha256: () => (digest ??= hash.digest('hex')), size: () => size, ended: () => ended };
}
