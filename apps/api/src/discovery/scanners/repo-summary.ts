import { FileScan, importsAtLeast, PickleScan, SafetensorsScan, scanKindOf } from './file-scanners';
import { Safety, worst } from './pickle-import-policy';

/** A file's line in a model's security summary. */
export interface FileSecuritySummary {
  path: string;
  status: Safety | 'pending';
  format?: string;
  /** `module.name` of the imports that are not safe. */
  imports: string[];
  error?: string;
}

/** What the scans of one revision's files add up to (the model columns of the same names). */
export interface RepoSummary {
  /** Parameters in the safetensors files (null: none, or not all read yet). */
  parameters: number | null;
  /** As Hugging Face: {parameters per dtype, total}. */
  safetensors: { parameters: Record<string, number>; total: number } | null;
  securityScan: { status: Safety | 'pending'; scannedAt: string; files: FileSecuritySummary[] } | null;
}

/**
 * The summary of a revision from its files and their scans (by blob sha256; a file without one is
 * not scanned yet). Safetensors files whose header could not be read are left out of the counts,
 * as a scan that failed; while one is still unscanned the counts are unknown (null).
 */
export function summarizeRepo(files: { path: string; sha256: string }[], scans: ReadonlyMap<string, FileScan>): RepoSummary {
  const params: Record<string, number> = {};
  let anySafetensors = false;
  let unscannedSafetensors = false;
  const security: FileSecuritySummary[] = [];
  let status: Safety | null = null;
  for (const f of files) {
    const kind = scanKindOf(f.path);
    const scan = scans.get(f.sha256);
    if (kind === 'safetensors') {
      if (!scan) unscannedSafetensors = true;
      const st = scan as SafetensorsScan | undefined;
      if (st?.verdict !== 'ok') continue;
      anySafetensors = true;
      for (const [dtype, n] of Object.entries(st.details.parameters ?? {})) params[dtype] = (params[dtype] ?? 0) + n;
    } else if (kind === 'pickle') {
      const pk = scan as PickleScan | undefined;
      if (!pk) {
        security.push({ path: f.path, status: 'pending', imports: [] });
        continue;
      }
      status = worst(status ?? 'safe', pk.verdict);
      security.push({
        path: f.path,
        status: pk.verdict,
        format: pk.details.format,
        imports: importsAtLeast(pk, 'suspicious'),
        ...(pk.error ? { error: pk.error } : {}),
      });
    }
  }
  const total = Object.values(params).reduce((a, b) => a + b, 0);
  const counted = anySafetensors && !unscannedSafetensors;
  return {
    parameters: counted ? total : null,
    safetensors: counted ? { parameters: params, total } : null,
    securityScan: security.length ? { status: status ?? 'pending', scannedAt: new Date().toISOString(), files: security } : null,
  };
}
