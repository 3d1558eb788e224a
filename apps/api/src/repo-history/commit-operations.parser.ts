import { decodeBase64 } from '../common/base64';
import { HubException } from '../common/hub-exception';
import type { CommitOperation } from './commit-operation';

const SHA256 = /^[0-9a-f]{64}$/i;
const FIELDS: Record<string, { required: string[]; optional: string[] }> = {
  put: { required: ['path', 'contentBase64'], optional: [] },
  lfs: { required: ['path', 'sha256'], optional: ['size'] },
  delete: { required: ['path'], optional: [] },
  deleteFolder: { required: ['path'], optional: [] },
  copy: { required: ['path', 'fromPath'], optional: ['fromRevision', 'sha256'] },
};

/** The native API's JSON operations as CommitService takes them; 400 naming the operation at fault. */
export function parseCommitOperations(raw: Record<string, unknown>[]): CommitOperation[] {
  return raw.map((o, i) => {
    const fail = (message: string): never => {
      throw HubException.badRequest('invalid_operation', `operations[${i}]: ${message}`, [{ field: `operations.${i}`, message }]);
    };
    const spec = typeof o.op === 'string' ? FIELDS[o.op] : undefined;
    if (!spec) return fail(`'op' must be one of ${Object.keys(FIELDS).join(', ')}`);
    for (const key of Object.keys(o)) {
      if (key !== 'op' && !spec.required.includes(key) && !spec.optional.includes(key)) fail(`unknown field '${key}' for op '${o.op}'`);
    }
    for (const key of spec.required) {
      if (typeof o[key] !== 'string' || (key !== 'contentBase64' && o[key] === '')) fail(`'${key}' must be a non-empty string`);
    }
    const path = o.path as string;
    switch (o.op) {
      case 'put': {
        const content = decodeBase64(o.contentBase64 as string);
        if (!content) fail("'contentBase64' must be standard base64 (A-Z a-z 0-9 + /, padded with '=')");
        return { kind: 'put', path, content: content! };
      }
      case 'lfs': {
        const sha256 = o.sha256 as string;
        if (!SHA256.test(sha256)) fail("'sha256' must be 64 hexadecimal characters");
        let size: bigint | undefined;
        if (o.size !== undefined) {
          if (typeof o.size !== 'number' || !Number.isSafeInteger(o.size) || o.size < 0) fail("'size' must be a non-negative integer");
          size = BigInt(o.size as number);
        }
        return { kind: 'lfs', path, sha256: sha256.toLowerCase(), size };
      }
      case 'delete':
        return { kind: 'delete', path };
      case 'deleteFolder':
        return { kind: 'deleteFolder', path };
      default: {
        if (o.fromRevision !== undefined && (typeof o.fromRevision !== 'string' || !o.fromRevision)) fail("'fromRevision' must be a non-empty string");
        if (o.sha256 !== undefined && (typeof o.sha256 !== 'string' || !SHA256.test(o.sha256))) fail("'sha256' must be 64 hexadecimal characters");
        return {
          kind: 'copy',
          path,
          fromPath: o.fromPath as string,
          fromRevision: o.fromRevision as string | undefined,
          sha256: o.sha256 as string | undefined,
        };
      }
    }
  });
}
