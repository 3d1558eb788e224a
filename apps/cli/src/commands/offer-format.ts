import type { Output } from '../core/output';

export interface Offer {
  id: string;
  kind: 'open' | 'custom';
  title: string;
  description?: string | null;
  spdxId?: string | null;
  termsVersion: number;
  terms?: string | null;
  commercialUse?: boolean | null;
  fieldsOfUse?: string[];
  territories?: string[];
  seats?: number | null;
  durationDays?: number | null;
  price?: { amount: string; currency: string; period: string } | null;
  approval: 'auto' | 'manual';
  questions?: { id: string; text: string; required?: boolean }[];
  status: string;
}

export const priceText = (p: Offer['price']) => (p ? `${p.amount} ${p.currency.toUpperCase()}/${p.period}` : 'free');

export const OFFER_COLUMNS = [
  { key: 'id', title: 'OFFER' },
  { key: 'title', title: 'TITLE' },
  { key: 'kind', title: 'KIND', format: (v: unknown, row: Record<string, unknown>) => (v === 'open' ? `open ${String(row.spdxId ?? '')}` : 'custom') },
  { key: 'approval', title: 'APPROVAL' },
  { key: 'price', title: 'PRICE', format: (v: unknown) => priceText(v as Offer['price']) },
  { key: 'termsVersion', title: 'TERMS' },
  { key: 'status', title: 'STATUS' },
];

/** The terms a requester accepts, in full. */
export function printTerms(out: Output, offer: Offer): void {
  out.line(
    `${offer.title} (offer ${offer.id}, terms version ${offer.termsVersion}, ${offer.approval === 'auto' ? 'granted at once' : 'approved by the publisher'})`,
  );
  if (offer.description) out.line(offer.description);
  out.line('');
  out.fields([
    ['licence', offer.kind === 'open' ? offer.spdxId : 'custom terms'],
    ['commercial use', offer.commercialUse === null || offer.commercialUse === undefined ? null : offer.commercialUse ? 'yes' : 'no'],
    ['fields of use', offer.fieldsOfUse],
    ['territories', offer.territories],
    ['seats', offer.seats],
    ['duration', offer.durationDays ? `${offer.durationDays} days` : 'no end'],
    ['price', priceText(offer.price)],
  ]);
  if (offer.terms) {
    out.line('');
    out.line('--- terms ---');
    out.line(offer.terms.trimEnd());
    out.line('--- end of terms ---');
  }
}
