/**
 * Whether a licence allows commercial use, by its identifier as model cards give it (SPDX ids,
 * lower-cased as Hugging Face writes them, plus the Hub's own ids for model licences such as
 * `llama3` or `openrail`). The table is documented in docs/discovery.md; an identifier that is not
 * here (`other`, `unknown`, a typo) is treated as NOT allowing commercial use: the filter must
 * never promise a company a right the licence may not give.
 *
 * `conditional` licences allow commercial use under conditions (use restrictions of the RAIL
 * family, the Llama and Gemma acceptable-use policies, user caps): they count as allowing it, and
 * the card's licence text is what a lawyer reads next.
 */
export type CommercialUse = 'allowed' | 'conditional' | 'not-allowed';

export const LICENSE_COMMERCIAL_USE: Readonly<Record<string, CommercialUse>> = {
  // Permissive
  'apache-2.0': 'allowed',
  mit: 'allowed',
  'bsd-2-clause': 'allowed',
  'bsd-3-clause': 'allowed',
  'bsd-3-clause-clear': 'allowed',
  isc: 'allowed',
  zlib: 'allowed',
  'bsl-1.0': 'allowed',
  'ecl-2.0': 'allowed',
  'afl-3.0': 'allowed',
  'artistic-2.0': 'allowed',
  postgresql: 'allowed',
  unlicense: 'allowed',
  wtfpl: 'allowed',
  'cc0-1.0': 'allowed',
  pddl: 'allowed',
  'cc-by-2.0': 'allowed',
  'cc-by-2.5': 'allowed',
  'cc-by-3.0': 'allowed',
  'cc-by-4.0': 'allowed',
  'odc-by': 'allowed',
  // Copyleft: commercial use allowed, sharing obligations apply
  'gpl-2.0': 'allowed',
  'gpl-3.0': 'allowed',
  'lgpl-2.1': 'allowed',
  'lgpl-3.0': 'allowed',
  'lgpl-lr': 'allowed',
  'agpl-3.0': 'allowed',
  'mpl-2.0': 'allowed',
  'epl-1.0': 'allowed',
  'epl-2.0': 'allowed',
  'eupl-1.1': 'allowed',
  'eupl-1.2': 'allowed',
  'osl-3.0': 'allowed',
  'cc-by-sa-3.0': 'allowed',
  'cc-by-sa-4.0': 'allowed',
  'cc-by-nd-4.0': 'allowed',
  odbl: 'allowed',
  gfdl: 'allowed',
  // Allowed with use restrictions or conditions
  openrail: 'conditional',
  'openrail++': 'conditional',
  'creativeml-openrail-m': 'conditional',
  'bigscience-openrail-m': 'conditional',
  'bigscience-bloom-rail-1.0': 'conditional',
  'bigcode-openrail-m': 'conditional',
  llama2: 'conditional',
  llama3: 'conditional',
  'llama3.1': 'conditional',
  'llama3.2': 'conditional',
  'llama3.3': 'conditional',
  llama4: 'conditional',
  gemma: 'conditional',
  'apple-amlr': 'not-allowed',
  // Non-commercial or research only
  'cc-by-nc-2.0': 'not-allowed',
  'cc-by-nc-3.0': 'not-allowed',
  'cc-by-nc-4.0': 'not-allowed',
  'cc-by-nc-nd-3.0': 'not-allowed',
  'cc-by-nc-nd-4.0': 'not-allowed',
  'cc-by-nc-sa-2.0': 'not-allowed',
  'cc-by-nc-sa-3.0': 'not-allowed',
  'cc-by-nc-sa-4.0': 'not-allowed',
  'deepfloyd-if-license': 'not-allowed',
  'llama-research': 'not-allowed',
  'intel-research': 'not-allowed',
  'c-uda': 'not-allowed',
  other: 'not-allowed',
  unknown: 'not-allowed',
};

/** Whether the card licence `license` allows commercial use (conditional counts as yes). */
export function licenseAllowsCommercialUse(license: string | null | undefined): boolean {
  if (!license) return false;
  const use = LICENSE_COMMERCIAL_USE[license.trim().toLowerCase()];
  return use === 'allowed' || use === 'conditional';
}

/** The identifiers that allow commercial use (for SQL: open licence offers with such an SPDX id). */
export const COMMERCIAL_LICENSES: readonly string[] = Object.entries(LICENSE_COMMERCIAL_USE)
  .filter(([, use]) => use !== 'not-allowed')
  .map(([id]) => id);
