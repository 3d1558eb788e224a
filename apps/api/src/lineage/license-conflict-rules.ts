import { COMMERCIAL_LICENSES, LICENSE_COMMERCIAL_USE } from '../discovery/search/license-commercial-use';

/** What the rules read of a repository (docs/lineage.md, "Licence conflicts"). */
export interface LicenseFacts {
  /** The card's `license`. */
  license: string | null;
  /** The card's front-matter (for `commercialUse: false` beside `license: other`). */
  cardData: Record<string, unknown> | null;
  /** Its live (not withdrawn) licence offers, at their current terms version. */
  offers: { kind: 'open' | 'custom'; spdxId: string | null; commercialUse: boolean }[];
}

/** One upstream node that forbids what the repository allows. */
export interface LicenseConflict {
  /** `namespace/name`; null when the caller may not see the node. */
  repo: string | null;
  kind: 'model' | 'dataset';
  license: string | null;
  reason: string;
}

const COMMERCIAL = new Set(COMMERCIAL_LICENSES);
// Licences the table cannot classify: no conflict is claimed on a guess.
const UNCLASSIFIED = new Set(['other', 'unknown']);

const offerAllows = (o: LicenseFacts['offers'][number]) =>
  o.kind === 'custom' ? o.commercialUse : o.spdxId !== null && COMMERCIAL.has(o.spdxId.toLowerCase());

/** The repository's licence or one of its offers allows commercial use (conditional licences count). */
export function allowsCommercialUse(f: LicenseFacts): boolean {
  return (f.license !== null && COMMERCIAL.has(f.license.trim().toLowerCase())) || f.offers.some(offerAllows);
}

/**
 * Why the repository forbids commercial use, or null when it does not (or cannot be said to):
 * a non-commercial licence (CC BY-NC, research-only...), `license: other` with
 * `commercialUse: false` in the card, or live custom offers that all forbid it. An offer that
 * allows commercial use lifts the card's restriction (dual licensing: a company can obtain it).
 */
export function commercialRestriction(f: LicenseFacts): string | null {
  if (f.offers.some(offerAllows)) return null;
  const id = f.license?.trim().toLowerCase() ?? null;
  if (id !== null && LICENSE_COMMERCIAL_USE[id] === 'not-allowed' && !UNCLASSIFIED.has(id)) return `its licence ${id} does not allow commercial use`;
  const declared = f.cardData?.commercialUse ?? f.cardData?.commercial_use;
  if (id === 'other' && declared === false) return 'its licence is "other" with commercialUse: false';
  const custom = f.offers.filter((o) => o.kind === 'custom');
  if (custom.length) return custom.length === 1 ? 'its licence offer forbids commercial use' : 'its licence offers all forbid commercial use';
  return null;
}

/** The conflicts of a repository with its upstream nodes: none unless it allows commercial use itself. */
export function licenseConflicts<N extends LicenseFacts & { repo: string | null; kind: 'model' | 'dataset' }>(
  self: LicenseFacts,
  upstream: N[],
): LicenseConflict[] {
  if (!allowsCommercialUse(self)) return [];
  return upstream.flatMap((n) => {
    const reason = commercialRestriction(n);
    return reason === null ? [] : [{ repo: n.repo, kind: n.kind, license: n.license, reason }];
  });
}
