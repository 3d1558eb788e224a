import type { FileSecurity } from '../discovery/scanners/file-scan.service';
import type { Safety } from '../discovery/scanners/pickle-import-policy';

/**
 * Hugging Face's `securityFileStatus` of a file. huggingface_hub's `RepoFile` reads `status`,
 * `avScan` and `pickleImportScan` whenever the object is there, so all three always are.
 * - `pickleImportScan` is the hub's own scan (discovery) of pickle files, null for other files and
 *   for a pickle file whose scan job has not run yet;
 * - `avScan`: the hub runs no antivirus, and says so (`status: 'unscanned'`, `virusFound: null`)
 *   rather than reporting files clean;
 * - `status` is the pickle verdict, `unscanned` where no scan of the hub applies or it is pending.
 */
export function securityFileStatus(security: FileSecurity | undefined) {
  const status = security?.status;
  const scanned = security && status && status !== 'pending' ? { status, imports: security.imports } : undefined;
  return {
    status: scanned ? (scanned.status === 'dangerous' ? 'unsafe' : scanned.status) : 'unscanned',
    avScan: { status: 'unscanned', virusFound: null, virusNames: null },
    pickleImportScan: scanned
      ? {
          highestSafetyLevel: hfSafety(scanned.status),
          imports: scanned.imports.map((i) => ({ module: i.module, name: i.name, safety: hfSafety(i.safety) })),
        }
      : null,
  };
}

const hfSafety = (s: Safety) => (s === 'safe' ? 'innocuous' : s);
