import { CacheInvalidation } from '../cache/cache-invalidation.service';
import type { ResolvedHubConfig } from '../config/hub-config';
import type { Principal } from '../common/auth/principal';
import { HubException } from '../common/hub-exception';
import type { OrgAccessService } from '../orgs/org-access.service';
import type { OrgRecord } from '../orgs/org.repository';
import type { TokenRecord, TokenRepository } from './token.repository';
import { hashSecret, TokensService } from './tokens.service';

const NOW = new Date('2026-06-01T12:00:00Z');

const session: Principal = { userId: 'u1', username: 'ada', isAdmin: false, via: 'session', scopes: ['read', 'write', 'admin'] };

const record = (extra: Partial<TokenRecord> = {}): TokenRecord => ({
  id: 't1',
  userId: 'u1',
  name: 'laptop',
  scopes: ['read'],
  organizationId: null,
  organizationName: null,
  expiresAt: null,
  lastUsedAt: null,
  createdAt: NOW,
  ...extra,
});

const expectHubError = (promise: Promise<unknown>, status: number, code: string) =>
  expect(promise).rejects.toMatchObject({ constructor: HubException, status, code });

describe('TokensService', () => {
  let stored: TokenRecord | null;
  let repo: Record<'create' | 'findBySecretHash' | 'touch' | 'delete' | 'listForUser', jest.Mock>;
  let access: { findOrThrow: jest.Mock; requireRole: jest.Mock; assertTokenMayActFor: jest.Mock };
  let service: TokensService;

  beforeEach(() => {
    jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate'] });
    stored = null;
    repo = {
      create: jest.fn(async (data: Parameters<TokenRepository['create']>[0]) =>
        record({ name: data.name, scopes: data.scopes, organizationId: data.organizationId ?? null, expiresAt: data.expiresAt ?? null }),
      ),
      findBySecretHash: jest.fn(async () => stored),
      touch: jest.fn(async () => undefined),
      delete: jest.fn(async () => true),
      listForUser: jest.fn(async () => [record()]),
    };
    const org: OrgRecord = { id: 'o1', name: 'acme', displayName: 'ACME', kind: 'company', description: null, website: null, verified: false, createdAt: NOW };
    access = {
      findOrThrow: jest.fn(async () => org),
      requireRole: jest.fn(async () => 'member'),
      assertTokenMayActFor: jest.fn((p: Principal, orgId: string | null) => {
        if (p.restrictedToOrgId && p.restrictedToOrgId !== orgId) throw HubException.forbidden('restricted', 'token_org_restricted');
      }),
    };
    // Never connected: its caches stay off, so every call reaches the fake repository.
    service = new TokensService(repo as unknown as TokenRepository, access as unknown as OrgAccessService, new CacheInvalidation({} as ResolvedHubConfig));
  });
  afterEach(() => jest.useRealTimers());

  describe('create', () => {
    it('returns an hf_ secret once and stores only its sha256', async () => {
      const created = await service.create(session, { name: 'laptop', scopes: ['read', 'write'] });
      expect(created.token).toMatch(/^hf_[A-Za-z0-9_-]{40}$/);
      const saved = repo.create.mock.calls[0][0];
      expect(saved.secretHash).toBe(hashSecret(created.token));
      expect(JSON.stringify(saved)).not.toContain(created.token);
      expect(saved.expiresAt).toBeUndefined();
    });

    it('makes a different secret every time', async () => {
      const a = await service.create(session, { name: 'a', scopes: ['read'] });
      const b = await service.create(session, { name: 'b', scopes: ['read'] });
      expect(a.token).not.toBe(b.token);
    });

    it('computes the expiry from expiresInDays', async () => {
      const created = await service.create(session, { name: 'week', scopes: ['read'], expiresInDays: 7 });
      expect(created.expiresAt).toBe(new Date(NOW.getTime() + 7 * 86_400_000).toISOString());
    });

    it('restricts to an organization the caller belongs to', async () => {
      await service.create(session, { name: 'org', scopes: ['read'], org: 'acme' });
      expect(access.requireRole).toHaveBeenCalledWith(session, expect.objectContaining({ id: 'o1' }), 'member');
      expect(repo.create.mock.calls[0][0].organizationId).toBe('o1');
      access.requireRole.mockRejectedValueOnce(HubException.forbidden('no', 'insufficient_role'));
      await expectHubError(service.create(session, { name: 'org', scopes: ['read'], org: 'acme' }), 403, 'insufficient_role');
    });

    it('refuses an organization-restricted token minting tokens', async () => {
      const restricted: Principal = { ...session, via: 'token', restrictedToOrgId: 'o1', restrictedToOrgName: 'acme' };
      await expectHubError(service.create(restricted, { name: 'x', scopes: ['read'] }), 403, 'token_org_restricted');
      expect(repo.create).not.toHaveBeenCalled();
    });
  });

  describe('resolve', () => {
    it('is null for an unknown secret', async () => {
      await expect(service.resolve('hf_unknown')).resolves.toBeNull();
      expect(repo.findBySecretHash).toHaveBeenCalledWith(hashSecret('hf_unknown'));
    });

    it('is null once expired, including at the exact expiry instant', async () => {
      stored = record({ expiresAt: new Date(NOW.getTime() - 1) });
      await expect(service.resolve('hf_x')).resolves.toBeNull();
      stored = record({ expiresAt: NOW });
      await expect(service.resolve('hf_x')).resolves.toBeNull();
      expect(repo.touch).not.toHaveBeenCalled();
    });

    it('returns a live token and records its first use', async () => {
      stored = record({ expiresAt: new Date(NOW.getTime() + 1000) });
      await expect(service.resolve('hf_x')).resolves.toMatchObject({ id: 't1' });
      expect(repo.touch).toHaveBeenCalledWith('t1', NOW);
    });

    it('records use at most once a minute', async () => {
      stored = record({ lastUsedAt: new Date(NOW.getTime() - 30_000) });
      await service.resolve('hf_x');
      expect(repo.touch).not.toHaveBeenCalled();
      stored = record({ lastUsedAt: new Date(NOW.getTime() - 61_000) });
      await service.resolve('hf_x');
      expect(repo.touch).toHaveBeenCalledTimes(1);
    });
  });

  describe('list and revoke', () => {
    it('lists without secrets', async () => {
      const [listed] = await service.list(session);
      expect(Object.keys(listed).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name', 'org', 'scopes']);
    });

    it("revokes the caller's token, 404 when it is not theirs", async () => {
      await service.revoke(session, 't1');
      expect(repo.delete).toHaveBeenCalledWith('u1', 't1');
      repo.delete.mockResolvedValueOnce(false);
      await expectHubError(service.revoke(session, 't2'), 404, 'token_not_found');
    });
  });
});
