import { grantStatus } from './licensing-records';

describe('grantStatus', () => {
  const now = new Date('2026-06-01T12:00:00Z');
  it('is computed from revokedAt and endsAt at the time asked, so expiry needs no job', () => {
    expect(grantStatus({ revokedAt: null, endsAt: null }, now)).toBe('active');
    expect(grantStatus({ revokedAt: null, endsAt: new Date('2026-06-01T12:00:01Z') }, now)).toBe('active');
    expect(grantStatus({ revokedAt: null, endsAt: new Date('2026-06-01T12:00:00Z') }, now)).toBe('expired');
    expect(grantStatus({ revokedAt: new Date('2026-05-01T00:00:00Z'), endsAt: new Date('2026-05-02T00:00:00Z') }, now)).toBe('revoked');
  });
});
