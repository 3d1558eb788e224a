import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { COMMERCIAL_LICENSES } from '../search/license-commercial-use';
import { bulk, prng } from './seed-sql';

/** A tenth of the models get a licence offer with its first terms version; returns how many. */
export async function seedOffers(db: PoolClient, modelIds: string[], r: ReturnType<typeof prng>): Promise<number> {
  // Licence offers: open SPDX offers and custom commercial licences, with their terms.
  const offers: unknown[][] = [];
  const terms: unknown[][] = [];
  modelIds.forEach((id) => {
    if (r.next() >= 0.1) return;
    const offerId = randomUUID();
    const custom = r.next() < 0.6;
    const spdx = custom ? null : r.pick(['apache-2.0', 'mit', 'cc-by-nc-4.0']);
    offers.push([
      offerId,
      id,
      custom ? 'custom' : 'open',
      custom ? 'Commercial licence' : `Open licence (${spdx})`,
      spdx,
      custom ? r.pick(['auto', 'manual']) : 'auto',
      new Date(),
    ]);
    terms.push([
      offerId,
      1,
      custom ? 'Use in products and services, worldwide, for the term of the grant.' : '',
      custom ? r.next() < 0.7 : COMMERCIAL_LICENSES.includes(spdx!),
    ]);
  });
  await bulk(
    db,
    'license_offers',
    [
      ['id', 'uuid'],
      ['model_id', 'uuid'],
      ['kind', 'license_offer_kind'],
      ['title', 'text'],
      ['spdx_id', 'text'],
      ['approval', 'license_approval'],
      ['updated_at', 'timestamptz'],
    ],
    offers,
  );
  await bulk(
    db,
    'license_terms_versions',
    [
      ['offer_id', 'uuid'],
      ['version', 'int4'],
      ['text', 'text'],
      ['commercial_use', 'bool'],
    ],
    terms,
  );
  return offers.length;
}
