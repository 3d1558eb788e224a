import { bearer, createOrg, createToken, registerUser, type TestUser } from '../support/factories';
import { startTestHub, type TestHub } from '../support/test-hub';
import { expectError, expectInvalidField } from './platform-helpers';

type Role = 'owner' | 'admin' | 'member';

describe('organization members', () => {
  let hub: TestHub;
  let owner: TestUser;
  beforeAll(async () => {
    hub = await startTestHub();
    owner = await registerUser(hub, 'owner-one');
  });
  afterAll(() => hub.close());

  const members = (org: string) => hub.http().get(`/api/v1/orgs/${org}/members`);
  const add = (by: TestUser, org: string, username: string, role: Role) => hub.http().post(`/api/v1/orgs/${org}/members`).set(by.auth).send({ username, role });
  const changeRole = (by: TestUser, org: string, username: string, role: Role) =>
    hub.http().patch(`/api/v1/orgs/${org}/members/${username}`).set(by.auth).send({ role });
  const remove = (by: TestUser, org: string, username: string) => hub.http().delete(`/api/v1/orgs/${org}/members/${username}`).set(by.auth);
  const roles = async (org: string) =>
    Object.fromEntries((await members(org).expect(200)).body.map((m: { username: string; role: Role }) => [m.username, m.role]));

  it('adds a member by username (201), lists members without a token', async () => {
    const org = await createOrg(hub, owner);
    const grace = await registerUser(hub);
    const res = await add(owner, org, grace.username.toUpperCase(), 'member').expect(201);
    expect(res.body).toEqual({ username: grace.username, role: 'member' });
    const list = await members(org).expect(200);
    expect(list.body).toEqual([
      { username: 'owner-one', role: 'owner' },
      { username: grace.username, role: 'member' },
    ]);
    const me = await hub.http().get('/api/v1/me').set(grace.auth).expect(200);
    expect(me.body.orgs).toEqual([{ name: org, role: 'member' }]);
  });

  it('changes a role (200) and removes a member (204)', async () => {
    const org = await createOrg(hub, owner);
    const grace = await registerUser(hub);
    await add(owner, org, grace.username, 'member').expect(201);
    const changed = await changeRole(owner, org, grace.username, 'admin').expect(200);
    expect(changed.body).toEqual({ username: grace.username, role: 'admin' });
    expect((await roles(org))[grace.username]).toBe('admin');
    const res = await remove(owner, org, grace.username).expect(204);
    expect(res.text).toBe('');
    expect(await roles(org)).toEqual({ 'owner-one': 'owner' });
  });

  it('lets any member leave by deleting their own membership', async () => {
    const member = await registerUser(hub);
    const org = await createOrg(hub, owner, undefined, [{ user: member, role: 'member' }]);
    await remove(member, org, member.username).expect(204);
    expect((await hub.http().get('/api/v1/me').set(member.auth)).body.orgs).toEqual([]);
  });

  describe('roles', () => {
    let org: string;
    let orgAdmin: TestUser;
    let member: TestUser;
    let stranger: TestUser;
    beforeAll(async () => {
      orgAdmin = await registerUser(hub);
      member = await registerUser(hub);
      stranger = await registerUser(hub);
      org = await createOrg(hub, owner, undefined, [
        { user: orgAdmin, role: 'admin' },
        { user: member, role: 'member' },
      ]);
    });

    it('an admin adds and manages members and admins', async () => {
      const newcomer = await registerUser(hub);
      await add(orgAdmin, org, newcomer.username, 'admin').expect(201);
      await changeRole(orgAdmin, org, newcomer.username, 'member').expect(200);
      await remove(orgAdmin, org, newcomer.username).expect(204);
    });

    it('an admin cannot make, demote or remove owners (403)', async () => {
      const newcomer = await registerUser(hub);
      expectError(await add(orgAdmin, org, newcomer.username, 'owner'), 403, 'insufficient_role');
      expectError(await changeRole(orgAdmin, org, member.username, 'owner'), 403, 'insufficient_role');
      expectError(await changeRole(orgAdmin, org, owner.username, 'member'), 403, 'insufficient_role');
      expectError(await remove(orgAdmin, org, owner.username), 403, 'insufficient_role');
    });

    it('a plain member or a stranger cannot manage members (403)', async () => {
      const newcomer = await registerUser(hub);
      for (const who of [member, stranger]) {
        expectError(await add(who, org, newcomer.username, 'member'), 403, 'insufficient_role');
        expectError(await changeRole(who, org, orgAdmin.username, 'member'), 403, 'insufficient_role');
        expectError(await remove(who, org, orgAdmin.username), 403, 'insufficient_role');
      }
      expectError(await changeRole(member, org, member.username, 'admin'), 403, 'insufficient_role');
    });

    it('anonymous callers get 401; a read token gets 403', async () => {
      const newcomer = await registerUser(hub);
      expectError(await hub.http().post(`/api/v1/orgs/${org}/members`).send({ username: newcomer.username, role: 'member' }), 401);
      expectError(await hub.http().patch(`/api/v1/orgs/${org}/members/${member.username}`).send({ role: 'admin' }), 401);
      expectError(await hub.http().delete(`/api/v1/orgs/${org}/members/${member.username}`), 401);
      const read = await createToken(hub, owner, ['read']);
      expectError(
        await hub.http().post(`/api/v1/orgs/${org}/members`).set(bearer(read)).send({ username: newcomer.username, role: 'member' }),
        403,
        'insufficient_scope',
      );
    });

    it('an owner adds another owner', async () => {
      const coOwner = await registerUser(hub);
      await add(owner, org, coOwner.username, 'owner').expect(201);
      expect((await roles(org))[coOwner.username]).toBe('owner');
    });

    it('404 for unknown users, non-members and unknown organizations; 409 for existing members', async () => {
      expectError(await add(owner, org, 'no-such-user', 'member'), 404, 'user_not_found');
      expectError(await changeRole(owner, org, stranger.username, 'admin'), 404, 'member_not_found');
      expectError(await remove(owner, org, stranger.username), 404, 'member_not_found');
      expectError(await remove(owner, org, 'no-such-user'), 404, 'member_not_found');
      expectError(await add(owner, org, member.username, 'admin'), 409, 'already_member');
      expectError(await members('no-such-org'), 404, 'org_not_found');
      expectError(await add(owner, 'no-such-org', member.username, 'member'), 404, 'org_not_found');
    });

    it("a member's organization-restricted token stops working for the organization once they leave", async () => {
      const leaver = await registerUser(hub);
      await add(owner, org, leaver.username, 'admin').expect(201);
      const token = await createToken(hub, leaver, ['write'], { org });
      await hub.http().patch(`/api/v1/orgs/${org}`).set(bearer(token)).send({ description: 'by the leaver' }).expect(200);
      await remove(leaver, org, leaver.username).expect(204);
      expectError(await hub.http().patch(`/api/v1/orgs/${org}`).set(bearer(token)).send({ description: 'again' }), 403, 'insufficient_role');
    });
  });

  describe('the last owner', () => {
    it('cannot leave, be removed or be demoted (409)', async () => {
      const orgAdmin = await registerUser(hub);
      const org = await createOrg(hub, owner, undefined, [{ user: orgAdmin, role: 'admin' }]);
      expectError(await remove(owner, org, owner.username), 409, 'last_owner');
      expectError(await changeRole(owner, org, owner.username, 'admin'), 409, 'last_owner');
      expectError(await changeRole(owner, org, owner.username, 'member'), 409, 'last_owner');
      expect((await roles(org))[owner.username]).toBe('owner');
    });

    it('can leave once there is another owner', async () => {
      const second = await registerUser(hub);
      const first = await registerUser(hub);
      const org = await createOrg(hub, first, undefined, [{ user: second, role: 'owner' }]);
      await remove(first, org, first.username).expect(204);
      expect(await roles(org)).toEqual({ [second.username]: 'owner' });
      expectError(await remove(second, org, second.username), 409, 'last_owner');
    });

    it('two owners demoting each other at once leave exactly one owner', async () => {
      for (let round = 0; round < 5; round++) {
        const a = await registerUser(hub);
        const b = await registerUser(hub);
        const org = await createOrg(hub, a, undefined, [{ user: b, role: 'owner' }]);
        const results = await Promise.all([changeRole(a, org, b.username, 'member'), changeRole(b, org, a.username, 'member')]);
        // The loser is refused either by the rule (409) or, when it runs after the winner
        // committed, because it is no longer an owner itself (403).
        const [won, lost] = results.map((r) => r.status).sort();
        expect(won).toBe(200);
        expect([403, 409]).toContain(lost);
        const owners = Object.values(await roles(org)).filter((r) => r === 'owner');
        expect(owners).toHaveLength(1);
      }
    });

    it('two owners leaving at once leave exactly one owner', async () => {
      const a = await registerUser(hub);
      const b = await registerUser(hub);
      const org = await createOrg(hub, a, undefined, [{ user: b, role: 'owner' }]);
      const results = await Promise.all([remove(a, org, a.username), remove(b, org, b.username)]);
      expect(results.map((r) => r.status).sort()).toEqual([204, 409]);
      expect(Object.values(await roles(org))).toEqual(['owner']);
    });
  });

  describe('bad input', () => {
    let org: string;
    beforeAll(async () => {
      org = await createOrg(hub, owner);
    });

    it.each([
      ['missing username', { role: 'member' }, 'username'],
      ['numeric username', { username: 5, role: 'member' }, 'username'],
      ['empty username', { username: '', role: 'member' }, 'username'],
      ['username of 40 characters', { username: 'u'.repeat(40), role: 'member' }, 'username'],
      ['missing role', { username: 'owner-one' }, 'role'],
      ['unknown role', { username: 'owner-one', role: 'superuser' }, 'role'],
      ['role in capitals', { username: 'owner-one', role: 'OWNER' }, 'role'],
      ['an unknown field', { username: 'owner-one', role: 'member', since: '2020' }, 'since'],
    ])('refuses adding with %s', async (_, body, field) => {
      expectInvalidField(await hub.http().post(`/api/v1/orgs/${org}/members`).set(owner.auth).send(body), field);
    });

    it.each([
      ['missing role', {}, 'role'],
      ['unknown role', { role: 'boss' }, 'role'],
      ['numeric role', { role: 1 }, 'role'],
      ['a username in the body', { role: 'member', username: 'x' }, 'username'],
    ])('refuses a role change with %s', async (_, body, field) => {
      expectInvalidField(await hub.http().patch(`/api/v1/orgs/${org}/members/owner-one`).set(owner.auth).send(body), field);
    });
  });
});
