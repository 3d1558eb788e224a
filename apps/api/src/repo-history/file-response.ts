import type { Request, Response } from 'express';
import { posix } from 'node:path';
import { HubException } from '../common/hub-exception';
import { printable } from '../common/printable';
import type { FileResolution } from './file-download.service';

/**
 * Writes a FileResolution as Hugging Face's `resolve` answers, for every download route:
 * - always `X-Repo-Commit`, `ETag` (quoted sha256), `Accept-Ranges: bytes`;
 * - files in the bucket: 302 to the presigned URL with `X-Linked-Size` and `X-Linked-Etag`
 *   (the bucket honours `Range`, so resumed downloads work end to end);
 * - inline files: 200 with the bytes (HEAD: only the headers), or 206 for a single byte range,
 *   416 `range_not_satisfiable` (the error shape, thrown) for an unsatisfiable one.
 */
export function sendFileResolution(req: Request, res: Response, r: FileResolution): void {
  const size = Number(r.file.size);
  res.setHeader('X-Repo-Commit', r.commitId);
  res.setHeader('ETag', r.etag);
  res.setHeader('Accept-Ranges', 'bytes');
  if (r.redirectUrl) {
    res.setHeader('X-Linked-Size', String(size));
    res.setHeader('X-Linked-Etag', r.etag);
    res.setHeader('Location', r.redirectUrl);
    res.setHeader('Content-Length', '0');
    res.status(302).end();
    return;
  }
  const range = parseRange(req.headers.range, size);
  if (range === 'unsatisfiable') {
    // Answered by the error filter, in the one error shape (so before any Content-Type is set).
    throw new HubException(416, 'range_not_satisfiable', `The Range '${printable(String(req.headers.range))}' is outside the file's ${size} bytes`, {
      headers: { 'Content-Range': `bytes */${size}` },
    });
  }
  res.setHeader('Content-Type', 'application/octet-stream');
  res.setHeader('Content-Disposition', contentDisposition(posix.basename(r.file.path)));
  const [start, end] = range ?? [0, size - 1];
  if (range) res.setHeader('Content-Range', `bytes ${start}-${end}/${size}`);
  res.setHeader('Content-Length', String(Math.max(end - start + 1, 0)));
  res.status(range ? 206 : 200);
  if (req.method === 'HEAD' || !r.inlineBytes) res.end();
  else res.end(r.inlineBytes.subarray(start, end + 1));
}

/**
 * One `bytes=` range (RFC 9110): `a-b`, `a-` or `-n` (the last n bytes). Several ranges or a
 * malformed header are ignored (whole file, 200), as servers may; a range past the end is
 * unsatisfiable.
 */
export function parseRange(header: string | undefined, size: number): [number, number] | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return 'unsatisfiable';
    return [Math.max(size - n, 0), size - 1];
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || start > end) return 'unsatisfiable';
  return [start, end];
}

function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
