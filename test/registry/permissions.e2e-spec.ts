import { HubException } from '../../apps/api/src/common/hub-exception';
import type { Principal } from '../../apps/api/src/common/auth/principal';
import { ModelAccessService } from '../../apps/api/src/models/model-access.service';
import type { ModelRecord } from '../../apps/api/src/models/model.repository';
import { bearer, createOrg, createToken, registerUser, type TestUser } from '../support/factories';
import { createModel, principalFor } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';

/** Resolves with the HubException a promise rejects with (or fails). */
async function rejection(p: Promise<unknown>): Promise<HubException> {
  try {
    await p;
  } catch (e) {
    if (e instanceof HubException) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

describe('model permissions', () => {
  let hub: TestHub;
  let access: ModelAccessService;
  let owner: TestUser;
  let admin: TestUser;
  let member: TestUser;
  let outsider: TestUser;
  let org: string;
  let otherOrg: string;

  beforeAll(async () => {
    hub = await startTestHub();
    access = hub.app.get(ModelAccessService);
    [owner, admin, member, outsider] = await Promise.all([registerUser(hub), registerUser(hub), registerUser(hub), registerUser(hub)]);
    org = await createOrg(hub, owner, undefined, [
      { user: admin, role: 'admin' },
      { user: member, role: 'member' },
    ]);
    otherOrg = await createOrg(hub, member);
  });
  afterAll(() => hub.close());

  const get = (id: string, auth?: Record<string, string>) => {
    const req = hub.http().get(`/api/v1/models/${id}`);
    return auth ? req.set(auth) : req;
  };

  describe('private models', () => {
    let id: string;
    beforeAll(async () => {
      id = (await createModel(hub, member, { namespace: org, name: 'hidden', visibility: 'private' })).id;
    });

    it('are readable by every member of the namespace', async () => {
      for (const u of [owner, admin, member]) await get(id, u.auth).expect(200);
    });

    it('answer 404 RepoNotFound to non-members and anonymous callers, like a missing model', async () => {
      for (const auth of [outsider.auth, undefined]) {
        const res = await get(id, auth).expect(404);
        expect(res.headers['x-error-code']).toBe('RepoNotFound');
        expect(res.body.code).toBe('repo_not_found');
        expect(res.body.error).toContain(`Repository Not Found for model ${id}`);
      }
      const missing = await get(`${org}/never-existed`, outsider.auth).expect(404);
      expect(missing.body.error.replace('never-existed', 'hidden')).toBe((await get(id, outsider.auth)).body.error);
    });

    it('answer 404 (not 403) to non-members who try to change or delete them', async () => {
      await hub.http().patch(`/api/v1/models/${id}`).set(outsider.auth).send({ visibility: 'public' }).expect(404);
      await hub.http().delete(`/api/v1/models/${id}`).set(outsider.auth).expect(404);
    });

    it("a user's private model is visible to that user only", async () => {
      const mine = await createModel(hub, outsider, { name: 'diary', visibility: 'private' });
      await get(mine.id, outsider.auth).expect(200);
      await get(mine.id, owner.auth).expect(404);
    });
  });

  describe('writing and administering', () => {
    it('members cannot change settings or delete; admins and owners can', async () => {
      const m = await createModel(hub, member, { namespace: org });
      const url = `/api/v1/models/${m.id}`;
      const denied = await hub.http().delete(url).set(member.auth).expect(403);
      expect(denied.body).toMatchObject({ code: 'insufficient_role' });
      expect(denied.body.error).toContain("needs the 'admin' role");
      await hub.http().patch(url).set(member.auth).send({ visibility: 'private' }).expect(403);
      await hub.http().patch(url).set(admin.auth).send({ visibility: 'private' }).expect(200);
      await hub.http().patch(url).set(owner.auth).send({ visibility: 'public' }).expect(200);
      await hub.http().delete(url).set(admin.auth).expect(204);
      const again = await createModel(hub, member, { namespace: org });
      await hub.http().delete(`/api/v1/models/${again.id}`).set(owner.auth).expect(204);
    });

    it('non-members cannot create in, change or delete in a namespace not theirs (403 on public models)', async () => {
      const m = await createModel(hub, member, { namespace: org });
      const res = await hub.http().post('/api/v1/models').set(outsider.auth).send({ namespace: org, name: 'intruder' }).expect(403);
      expect(res.body).toMatchObject({ code: 'not_namespace_member' });
      expect(res.body.error).toContain('you are not a member of that organization');
      const users = await hub.http().post('/api/v1/models').set(outsider.auth).send({ namespace: member.username, name: 'intruder' }).expect(403);
      expect(users.body.error).toContain("it is another user's namespace");
      await hub.http().patch(`/api/v1/models/${m.id}`).set(outsider.auth).send({ visibility: 'private' }).expect(403);
      await hub.http().delete(`/api/v1/models/${m.id}`).set(outsider.auth).expect(403);
    });

    it('a user administers their own models', async () => {
      const m = await createModel(hub, outsider);
      await hub.http().patch(`/api/v1/models/${m.id}`).set(outsider.auth).send({ gated: 'manual' }).expect(200);
      await hub.http().delete(`/api/v1/models/${m.id}`).set(outsider.auth).expect(204);
    });

    it('anonymous callers get 401', async () => {
      const m = await createModel(hub, owner);
      await hub.http().patch(`/api/v1/models/${m.id}`).send({ visibility: 'private' }).expect(401);
      await hub.http().delete(`/api/v1/models/${m.id}`).expect(401);
    });
  });

  describe('tokens', () => {
    it('a read token can read but not create, change or delete (403)', async () => {
      const read = bearer(await createToken(hub, owner, ['read']));
      const m = await createModel(hub, owner, { namespace: org, visibility: 'private' });
      await get(m.id, read).expect(200);
      const res = await hub.http().post('/api/v1/models').set(read).send({ namespace: org, name: 'by-read-token' }).expect(403);
      expect(res.body).toMatchObject({ code: 'insufficient_scope' });
      await hub.http().patch(`/api/v1/models/${m.id}`).set(read).send({ visibility: 'public' }).expect(403);
      await hub.http().delete(`/api/v1/models/${m.id}`).set(read).expect(403);
    });

    it('a write token can create and, for an owner, delete', async () => {
      const write = bearer(await createToken(hub, owner, ['write']));
      const res = await hub.http().post('/api/v1/models').set(write).send({ namespace: org, name: 'by-write-token' }).expect(201);
      await hub.http().delete(`/api/v1/models/${res.body.id}`).set(write).expect(204);
    });

    it('an organization-restricted token acts only in its organization', async () => {
      const restricted = bearer(await createToken(hub, member, ['write'], { org }));
      const inOrg = await hub.http().post('/api/v1/models').set(restricted).send({ namespace: org, name: 'restricted-ok' }).expect(201);
      expect(inOrg.body.id).toBe(`${org}/restricted-ok`);
      for (const namespace of [member.username, otherOrg]) {
        const res = await hub.http().post('/api/v1/models').set(restricted).send({ namespace, name: 'restricted-no' }).expect(403);
        expect(res.body).toMatchObject({ code: 'token_org_restricted' });
      }
      const publicElsewhere = await createModel(hub, member, { namespace: otherOrg });
      const w = await hub.http().patch(`/api/v1/models/${publicElsewhere.id}`).set(restricted).send({ visibility: 'gated' }).expect(403);
      expect(w.body.code).toBe('token_org_restricted');
      // Private models of the user's other namespaces are invisible to the restricted token.
      const privateElsewhere = await createModel(hub, member, { name: 'own-private', visibility: 'private' });
      await get(privateElsewhere.id, restricted).expect(404);
      const listed = await hub.http().get('/api/v1/models').query({ author: member.username }).set(restricted).expect(200);
      expect(listed.body.items).toEqual([]);
      await get(privateElsewhere.id, member.auth).expect(200);
    });
  });

  describe('ModelAccessService', () => {
    let models: Record<'public' | 'private' | 'gated', ModelRecord>;
    let p: Record<'owner' | 'member' | 'memberRead' | 'outsider' | 'restrictedOther', Principal>;

    beforeAll(async () => {
      models = {} as typeof models;
      for (const visibility of ['public', 'private', 'gated'] as const) {
        const created = await createModel(hub, owner, { namespace: org, name: `svc-${visibility}`, visibility });
        models[visibility] = await access.findReadable(await principalFor(hub, owner.jwt), org, created.name, 'model');
      }
      p = {
        owner: await principalFor(hub, owner.jwt),
        member: await principalFor(hub, member.jwt),
        memberRead: await principalFor(hub, await createToken(hub, member, ['read'])),
        outsider: await principalFor(hub, outsider.jwt),
        restrictedOther: await principalFor(hub, await createToken(hub, member, ['write'], { org: otherOrg })),
      };
    });

    it('exposes the record shape other modules code against', () => {
      expect(models.gated).toMatchObject({
        namespace: org,
        namespaceKind: 'org',
        ownerUserId: null,
        ownerOrgId: expect.any(String),
        name: 'svc-gated',
        fullName: `${org}/svc-gated`,
        private: false,
        gated: 'auto',
        mainCommitId: expect.stringMatching(/^[0-9a-f]{40}$/),
      });
    });

    it('canRead: private models for members only', async () => {
      expect(await access.canRead(undefined, models.public)).toBe(true);
      expect(await access.canRead(undefined, models.gated)).toBe(true);
      expect(await access.canRead(undefined, models.private)).toBe(false);
      expect(await access.canRead(p.outsider, models.private)).toBe(false);
      expect(await access.canRead(p.restrictedOther, models.private)).toBe(false);
      expect(await access.canRead(p.memberRead, models.private)).toBe(true);
    });

    it('assertCanWrite: 401 anonymous, 403 without write scope or membership, 404 when hidden', async () => {
      expect((await rejection(access.assertCanWrite(undefined, models.public))).getStatus()).toBe(401);
      expect((await rejection(access.assertCanWrite(p.memberRead, models.public))).code).toBe('insufficient_scope');
      expect((await rejection(access.assertCanWrite(p.outsider, models.public))).code).toBe('not_namespace_member');
      expect((await rejection(access.assertCanWrite(p.restrictedOther, models.public))).code).toBe('token_org_restricted');
      expect((await rejection(access.assertCanWrite(p.outsider, models.private))).getStatus()).toBe(404);
      await expect(access.assertCanWrite(p.member, models.private)).resolves.toBeUndefined();
    });

    it('assertCanAdmin: admin or owner role', async () => {
      expect((await rejection(access.assertCanAdmin(p.member, models.public))).code).toBe('insufficient_role');
      await expect(access.assertCanAdmin(p.owner, models.public)).resolves.toBeUndefined();
    });

    /** The decision authorizeDownload confirms, for a download of no file in particular. */
    const decide = (principal: Parameters<typeof access.authorizeDownload>[0], model: Parameters<typeof access.authorizeDownload>[1]) =>
      access.authorizeDownload(principal, model, async () => ({ files: [], value: null })).then((r) => r.permit.decision);

    it('authorizeDownload: gated files for members (and licence holders, see test/licensing); 401 / 403 GatedRepo otherwise', async () => {
      await expect(decide(undefined, models.public)).resolves.toEqual({ via: 'public' });
      await expect(decide(p.memberRead, models.private)).resolves.toEqual({ via: 'member' });
      await expect(decide(p.memberRead, models.gated)).resolves.toEqual({ via: 'member' });
      const anon = await rejection(decide(undefined, models.gated));
      expect(anon.getStatus()).toBe(401);
      expect(anon.extras.hfErrorCode).toBe('GatedRepo');
      expect(anon.message).toContain('you must be authenticated');
      const other = await rejection(decide(p.outsider, models.gated));
      expect(other.getStatus()).toBe(403);
      expect(other.extras.hfErrorCode).toBe('GatedRepo');
      expect(other.message).toContain(`GET /api/v1/models/${models.gated.fullName}/offers`);
      expect((await rejection(decide(p.outsider, models.private))).extras.hfErrorCode).toBe('RepoNotFound');
    });

    it('private wins over gated: a private gated model is 404 to outsiders, open to members', async () => {
      const m = await createModel(hub, owner, { namespace: org, name: 'svc-private-gated', visibility: 'gated' });
      await hub.http().patch(`/api/v1/models/${m.id}`).set(owner.auth).send({ private: true }).expect(200);
      const record = await access.findReadable(p.member, org, m.name, 'model');
      expect(record).toMatchObject({ private: true, gated: 'auto' });
      await expect(decide(p.member, record)).resolves.toEqual({ via: 'member' });
      expect((await rejection(access.findReadable(p.outsider, org, m.name, 'model'))).extras.hfErrorCode).toBe('RepoNotFound');
    });
  });
});
