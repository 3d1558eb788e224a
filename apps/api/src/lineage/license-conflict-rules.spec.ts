import { allowsCommercialUse, commercialRestriction, LicenseFacts, licenseConflicts } from './license-conflict-rules';

const facts = (over: Partial<LicenseFacts>): LicenseFacts => ({ license: null, cardData: null, offers: [], ...over });
const node = (over: Partial<LicenseFacts>, repo: string | null = 'acme/data') => ({ ...facts(over), repo, kind: 'dataset' as const });

describe('licence conflict rules', () => {
  it('a repository allows commercial use by its licence (conditional included) or a live offer', () => {
    expect(allowsCommercialUse(facts({ license: 'Apache-2.0' }))).toBe(true);
    expect(allowsCommercialUse(facts({ license: 'llama3' }))).toBe(true);
    expect(allowsCommercialUse(facts({ license: 'cc-by-nc-4.0' }))).toBe(false);
    expect(allowsCommercialUse(facts({ license: 'other', offers: [{ kind: 'custom', spdxId: null, commercialUse: true }] }))).toBe(true);
    expect(allowsCommercialUse(facts({ offers: [{ kind: 'open', spdxId: 'MIT', commercialUse: false }] }))).toBe(true);
    expect(allowsCommercialUse(facts({}))).toBe(false);
  });

  it('forbids: non-commercial licences, other with commercialUse: false, custom offers that all forbid it', () => {
    expect(commercialRestriction(facts({ license: 'cc-by-nc-sa-4.0' }))).toMatch(/cc-by-nc-sa-4.0 does not allow/);
    expect(commercialRestriction(facts({ license: 'other', cardData: { commercialUse: false } }))).toMatch(/"other" with commercialUse: false/);
    expect(commercialRestriction(facts({ offers: [{ kind: 'custom', spdxId: null, commercialUse: false }] }))).toMatch(/offer forbids/);
  });

  it('claims nothing it cannot know: other or unknown alone, no licence, permissive licences', () => {
    expect(commercialRestriction(facts({ license: 'other' }))).toBeNull();
    expect(commercialRestriction(facts({ license: 'unknown' }))).toBeNull();
    expect(commercialRestriction(facts({ license: 'other', cardData: { commercialUse: true } }))).toBeNull();
    expect(commercialRestriction(facts({}))).toBeNull();
    expect(commercialRestriction(facts({ license: 'mit' }))).toBeNull();
  });

  it('an offer that allows commercial use lifts a non-commercial card licence (it can be licensed)', () => {
    expect(commercialRestriction(facts({ license: 'cc-by-nc-4.0', offers: [{ kind: 'custom', spdxId: null, commercialUse: true }] }))).toBeNull();
  });

  it('conflicts only for a repository that allows commercial use, naming each restricting upstream node', () => {
    const upstream = [node({ license: 'cc-by-nc-4.0' }), node({ license: 'mit' }, 'acme/ok'), node({ license: 'cc-by-nc-nd-4.0' }, null)];
    expect(licenseConflicts(facts({ license: 'apache-2.0' }), upstream)).toEqual([
      { repo: 'acme/data', kind: 'dataset', license: 'cc-by-nc-4.0', reason: 'its licence cc-by-nc-4.0 does not allow commercial use' },
      { repo: null, kind: 'dataset', license: 'cc-by-nc-nd-4.0', reason: 'its licence cc-by-nc-nd-4.0 does not allow commercial use' },
    ]);
    expect(licenseConflicts(facts({ license: 'cc-by-nc-4.0' }), upstream)).toEqual([]);
  });
});
