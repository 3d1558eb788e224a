import { CacheInvalidation } from '../cache/cache-invalidation.service';
import type { ResolvedHubConfig } from '../config/hub-config';
import type { OrgRole } from '@model-hub/contracts';
import type { Principal } from '../common/auth/principal';
import { HubException } from '../common/hub-exception';
import type { NamespaceRepository } from '../namespaces/namespace.repository';
import type { UserRecord, UserRepository } from '../users/user.repository';
import { OrgAccessService } from './org-access.service';
import type { MembershipChange, OrgRecord, OrgRepository } from './org.repository';
import { OrgsService } from './orgs.service';

const org: OrgRecord = {
  id: 'org-1',
  name: 'acme',
  displayName: 'ACME',
  kind: 'company',
  description: null,
  website: null,
  verified: false,
  createdAt: new Date('2026-01-01T00:00:00Z'),
};

const user = (id: string, username = id): UserRecord => ({
  id,
  username,
  email: `${username}@example.org`,
  fullName: null,
  isAdmin: false,
  passwordHash: 'x',
  createdAt: new Date(),
});

const principal = (userId: string, extra: Partial<Principal> = {}): Principal => ({
  userId,
  username: userId,
  isAdmin: false,
  via: 'session',
  scopes: ['read', 'write', 'admin'],
  ...extra,
});

/** The promise rejects with a HubException of this status and code. */
const expectHubError = (promise: Promise<unknown>, status: number, code: string) =>
  expect(promise).rejects.toMatchObject({ constructor: HubException, status, code });

describe('OrgsService', () => {
  let roles: Record<string, OrgRole>;
  let change: MembershipChange;
  let repo: Record<'create' | 'findByName' | 'update' | 'roleOf' | 'membershipsOf' | 'addMember' | 'changeMembership' | 'members' | 'list', jest.Mock>;
  let users: Record<'findByUsername', jest.Mock>;
  let namespaces: Record<'isTaken', jest.Mock>;
  let service: OrgsService;

  beforeEach(() => {
    roles = { alice: 'owner', adam: 'admin', mia: 'member' };
    change = 'done';
    repo = {
      create: jest.fn(async (data: Partial<OrgRecord>) => ({ ...org, ...data })),
      findByName: jest.fn(async (name: string) => (name.toLowerCase() === 'acme' ? org : null)),
      update: jest.fn(async (_id: string, data: Partial<OrgRecord>) => ({ ...org, ...data })),
      roleOf: jest.fn(async (_orgId: string, userId: string) => roles[userId] ?? null),
      membershipsOf: jest.fn(async (userId: string) => ({
        userNamespaceId: null,
        orgs: roles[userId] ? [{ organizationId: org.id, namespaceId: 'ns-acme', role: roles[userId] }] : [],
      })),
      addMember: jest.fn(async () => undefined),
      changeMembership: jest.fn(async () => change),
      members: jest.fn(async () => []),
      list: jest.fn(async () => [org]),
    };
    users = { findByUsername: jest.fn(async (name: string) => (['alice', 'adam', 'mia', 'sam', 'olga'].includes(name) ? user(name) : null)) };
    namespaces = { isTaken: jest.fn(async () => false) };
    const orgRepo = repo as unknown as OrgRepository;
    service = new OrgsService(
      orgRepo,
      new OrgAccessService(orgRepo, new CacheInvalidation({} as ResolvedHubConfig)),
      users as unknown as UserRepository,
      namespaces as unknown as NamespaceRepository,
    );
  });

  describe('create', () => {
    it('claims the name, makes the caller owner and defaults displayName to the name', async () => {
      const created = await service.create(principal('sam'), { name: 'new-lab', kind: 'research' });
      expect(repo.create).toHaveBeenCalledWith({ name: 'new-lab', displayName: 'new-lab', kind: 'research', description: null, website: null }, 'sam');
      expect(created).toMatchObject({ name: 'new-lab', verified: false });
    });

    it('refuses a reserved name (400) and a taken one (409)', async () => {
      await expectHubError(service.create(principal('sam'), { name: 'API', kind: 'company' }), 400, 'reserved_name');
      namespaces.isTaken.mockResolvedValue(true);
      await expectHubError(service.create(principal('sam'), { name: 'taken', kind: 'company' }), 409, 'name_taken');
      expect(repo.create).not.toHaveBeenCalled();
    });

    it('refuses a token restricted to another organization', async () => {
      await expectHubError(
        service.create(principal('sam', { via: 'token', restrictedToOrgId: 'org-9', restrictedToOrgName: 'other' }), { name: 'x-lab', kind: 'company' }),
        403,
        'token_org_restricted',
      );
    });
  });

  describe('update and verification', () => {
    it('lets owners and admins update, not members or strangers', async () => {
      await service.update(principal('alice'), 'acme', { description: 'd' });
      await service.update(principal('adam'), 'acme', { description: 'd' });
      await expectHubError(service.update(principal('mia'), 'acme', {}), 403, 'insufficient_role');
      await expectHubError(service.update(principal('sam'), 'acme', {}), 403, 'insufficient_role');
      await expectHubError(service.update(principal('alice'), 'nope', {}), 404, 'org_not_found');
    });

    it('lets only the platform administrator verify', async () => {
      await expectHubError(service.setVerified(principal('alice'), 'acme', true), 403, 'not_platform_admin');
      const verified = await service.setVerified(principal('root', { isAdmin: true }), 'acme', true);
      expect(repo.update).toHaveBeenCalledWith('org-1', { verified: true });
      expect(verified.verified).toBe(true);
    });
  });

  describe('adding members', () => {
    it('admins add members and admins; only owners add owners', async () => {
      await expect(service.addMember(principal('adam'), 'acme', { username: 'sam', role: 'admin' })).resolves.toEqual({ username: 'sam', role: 'admin' });
      await expectHubError(service.addMember(principal('adam'), 'acme', { username: 'sam', role: 'owner' }), 403, 'insufficient_role');
      await service.addMember(principal('alice'), 'acme', { username: 'sam', role: 'owner' });
      expect(repo.addMember).toHaveBeenLastCalledWith('org-1', 'sam', 'owner');
    });

    it('refuses members (403), unknown users (404) and existing members (409)', async () => {
      await expectHubError(service.addMember(principal('mia'), 'acme', { username: 'sam', role: 'member' }), 403, 'insufficient_role');
      await expectHubError(service.addMember(principal('alice'), 'acme', { username: 'ghost', role: 'member' }), 404, 'user_not_found');
      await expectHubError(service.addMember(principal('alice'), 'acme', { username: 'mia', role: 'member' }), 409, 'already_member');
    });
  });

  describe('changing roles', () => {
    it('only owners grant or take away the owner role', async () => {
      await expectHubError(service.changeRole(principal('adam'), 'acme', 'mia', 'owner'), 403, 'insufficient_role');
      await expectHubError(service.changeRole(principal('adam'), 'acme', 'alice', 'member'), 403, 'insufficient_role');
      await expect(service.changeRole(principal('adam'), 'acme', 'mia', 'admin')).resolves.toEqual({ username: 'mia', role: 'admin' });
      await expect(service.changeRole(principal('alice'), 'acme', 'mia', 'owner')).resolves.toEqual({ username: 'mia', role: 'owner' });
    });

    it('answers 409 when the repository reports the last owner', async () => {
      change = 'last_owner';
      await expectHubError(service.changeRole(principal('alice'), 'acme', 'alice', 'admin'), 409, 'last_owner');
    });

    it('answers 404 for a non-member target, also when the membership vanished meanwhile', async () => {
      await expectHubError(service.changeRole(principal('alice'), 'acme', 'sam', 'admin'), 404, 'member_not_found');
      change = 'not_member';
      await expectHubError(service.changeRole(principal('alice'), 'acme', 'mia', 'admin'), 404, 'member_not_found');
    });
  });

  describe('removing members', () => {
    it('lets anyone leave, without needing a role', async () => {
      await service.removeMember(principal('mia'), 'acme', 'mia');
      expect(repo.changeMembership).toHaveBeenCalledWith('org-1', 'mia', null);
    });

    it('refuses the last owner leaving (409)', async () => {
      change = 'last_owner';
      await expectHubError(service.removeMember(principal('alice'), 'acme', 'alice'), 409, 'last_owner');
    });

    it('needs admin to remove others and owner to remove an owner', async () => {
      await expectHubError(service.removeMember(principal('mia'), 'acme', 'adam'), 403, 'insufficient_role');
      await expectHubError(service.removeMember(principal('adam'), 'acme', 'alice'), 403, 'insufficient_role');
      await service.removeMember(principal('adam'), 'acme', 'mia');
      await service.removeMember(principal('alice'), 'acme', 'adam');
    });

    it('refuses a token restricted to another organization, even to leave', async () => {
      const restricted = principal('mia', { via: 'token', restrictedToOrgId: 'org-9', restrictedToOrgName: 'other' });
      await expectHubError(service.removeMember(restricted, 'acme', 'mia'), 403, 'token_org_restricted');
      expect(repo.changeMembership).not.toHaveBeenCalled();
    });
  });
});
