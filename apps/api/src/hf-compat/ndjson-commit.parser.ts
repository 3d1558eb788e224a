import { decodeBase64 } from '../common/base64';
import { HubException } from '../common/hub-exception';
import { assertCleanJson } from '../common/input-rules';

/** One operation of a Hugging Face NDJSON commit, normalised. */
export type HfCommitOperation =
  | { kind: 'put'; path: string; content: Buffer }
  | { kind: 'lfs'; path: string; sha256: string; size?: bigint }
  | { kind: 'copy'; path: string; fromPath: string; sha256?: string }
  | { kind: 'delete'; path: string }
  | { kind: 'deleteFolder'; path: string };

export interface HfCommitPayload {
  summary: string;
  description?: string;
  parentCommit?: string;
  operations: HfCommitOperation[];
}

const SHA256 = /^[0-9a-f]{64}$/;

function fail(line: number, message: string): never {
  throw HubException.badRequest('invalid_commit_payload', `Commit payload line ${line}: ${message}`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function str(value: unknown, line: number, field: string): string {
  if (typeof value !== 'string' || value.length === 0) fail(line, `'${field}' must be a non-empty string`);
  return value;
}

/**
 * Parses the body of `POST /api/models/{repo}/commit/{rev}`: one JSON object a line, each
 * `{key, value}` with key `header`, `file` (base64 content), `lfsFile` (an uploaded object;
 * with `oldPath`, a copy), `deletedFile` or `deletedFolder`, as huggingface_hub and
 * @huggingface/hub send it.
 */
export function parseNdjsonCommit(body: string): HfCommitPayload {
  let header: { summary?: unknown; description?: unknown; parentCommit?: unknown } | undefined;
  const operations: HfCommitOperation[] = [];
  const lines = body.split('\n');
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (!raw.trim()) return;
    let entry: unknown;
    try {
      entry = JSON.parse(raw);
    } catch {
      fail(line, 'not valid JSON');
    }
    if (!isObject(entry)) fail(line, 'each line must be a JSON object {key, value}');
    assertCleanJson(entry, `line ${line}`);
    const value = entry.value;
    if (!isObject(value)) fail(line, "missing 'value' object");
    switch (entry.key) {
      case 'header':
        if (header) fail(line, 'a second header');
        header = value;
        if (header.description !== undefined && header.description !== null && typeof header.description !== 'string')
          fail(line, "'description' must be a string");
        break;
      case 'file': {
        const path = str(value.path, line, 'path');
        if (value.encoding !== undefined && value.encoding !== 'base64') fail(line, "only 'base64' encoding is supported");
        const content = typeof value.content === 'string' ? decodeBase64(value.content) : null;
        if (!content) fail(line, "'content' must be standard base64 (A-Z a-z 0-9 + /, padded with '=')");
        operations.push({ kind: 'put', path, content });
        break;
      }
      case 'lfsFile': {
        const path = str(value.path, line, 'path');
        const oid = str(value.oid, line, 'oid').toLowerCase();
        if (value.algo !== undefined && value.algo !== 'sha256') fail(line, "only the 'sha256' algorithm is supported");
        if (!SHA256.test(oid)) fail(line, "'oid' must be a sha256 (64 hex characters)");
        if (typeof value.oldPath === 'string' && value.oldPath) {
          operations.push({ kind: 'copy', path, fromPath: value.oldPath, sha256: oid });
          break;
        }
        let size: bigint | undefined;
        if (value.size !== undefined && value.size !== null) {
          if (!Number.isSafeInteger(value.size) || (value.size as number) < 0) fail(line, "'size' must be a non-negative integer");
          size = BigInt(value.size as number);
        }
        operations.push({ kind: 'lfs', path, sha256: oid, size });
        break;
      }
      case 'deletedFile':
        operations.push({ kind: 'delete', path: str(value.path, line, 'path') });
        break;
      case 'deletedFolder':
        operations.push({ kind: 'deleteFolder', path: str(value.path, line, 'path').replace(/\/+$/, '') });
        break;
      default:
        fail(line, `unknown key ${JSON.stringify(entry.key)} (expected header, file, lfsFile, deletedFile or deletedFolder)`);
    }
  });
  if (!header) throw HubException.badRequest('invalid_commit_payload', 'Commit payload has no header line');
  const summary = typeof header.summary === 'string' ? header.summary.trim() : '';
  if (!summary) throw HubException.badRequest('invalid_commit_payload', "Commit header needs a non-empty 'summary'");
  if (header.parentCommit !== undefined && header.parentCommit !== null && typeof header.parentCommit !== 'string') {
    throw HubException.badRequest('invalid_commit_payload', "Commit header 'parentCommit' must be a string");
  }
  return {
    summary,
    description: typeof header.description === 'string' ? header.description : undefined,
    parentCommit: (header.parentCommit as string | undefined) || undefined,
    operations,
  };
}
