import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import type { NestContainer } from '@nestjs/core';
import { createOrg, registerUser, type TestUser } from '../support/factories';
import { Client } from 'pg';
import { readTestServices } from '../setup/test-services';
import { createTestDatabase, startTestHub, type TestHub } from '../support/test-hub';
import { expectError, startReplica } from './platform-helpers';

/** Every route of the platform (the public contract); the registry adds its own. */
const PLATFORM_ROUTES = [
  'GET /healthz',
  'GET /readyz',
  'POST /api/v1/auth/register',
  'POST /api/v1/auth/login',
  'GET /api/v1/me',
  'GET /api/v1/tokens',
  'POST /api/v1/tokens',
  'DELETE /api/v1/tokens/{id}',
  'GET /api/v1/orgs',
  'POST /api/v1/orgs',
  'GET /api/v1/orgs/{name}',
  'PATCH /api/v1/orgs/{name}',
  'GET /api/v1/orgs/{name}/members',
  'POST /api/v1/orgs/{name}/members',
  'PATCH /api/v1/orgs/{name}/members/{username}',
  'DELETE /api/v1/orgs/{name}/members/{username}',
  'POST /api/v1/admin/orgs/{name}/verify',
  'POST /api/v1/admin/orgs/{name}/unverify',
];

/** "GET /a/{x}" for every operation of an OpenAPI document. */
function documentedRoutes(doc: { paths: Record<string, Record<string, unknown>> }): string[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`));
}

/** Every route the application's controllers declare, read from Nest's own metadata. */
function declaredRoutes(hub: TestHub): string[] {
  const container = (hub.app as unknown as { container: NestContainer }).container;
  const routes: string[] = [];
  const join = (...parts: string[]) =>
    `/${parts
      .flatMap((p) => p.split('/'))
      .filter(Boolean)
      .join('/')}`;
  for (const module of container.getModules().values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as { prototype: Record<string, unknown> } | null;
      if (!controller) continue;
      const bases = [Reflect.getMetadata(PATH_METADATA, controller) ?? ''].flat() as string[];
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = controller.prototype[name];
        if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        for (const base of bases) {
          for (const path of [Reflect.getMetadata(PATH_METADATA, handler)].flat() as string[]) routes.push(`${method} ${join(base, path)}`);
        }
      }
    }
  }
  return routes;
}

/** One spelling for path parameters, whatever the syntax (`:id`, `*path`, `{id}`, `{*path}`). */
const normalise = (route: string) => route.replace(/\{\*?\w+\}|[:*]\w+/g, '{}');

describe('errors, request ids, OpenAPI, health', () => {
  let hub: TestHub;
  let user: TestUser;
  beforeAll(async () => {
    hub = await startTestHub();
    user = await registerUser(hub);
  });
  afterAll(() => hub.close());

  describe('the error shape', () => {
    it('answers malformed JSON with 400 malformed_json', async () => {
      for (const body of ['{"username": ', "{'username': 'ada'}", '{"a": 1,}', 'null', '"a string"']) {
        const res = await hub.http().post('/api/v1/auth/register').set('Content-Type', 'application/json').send(body);
        expectError(res, 400, 'malformed_json');
        expect(res.body.error).toMatch(/^Malformed JSON in request body/);
      }
    });

    it('answers a JSON array where an object belongs with 400 invalid_body', async () => {
      const res = await hub
        .http()
        .post('/api/v1/orgs')
        .set(user.auth)
        .send([{ name: 'x', kind: 'company' }]);
      expectError(res, 400, 'invalid_body');
    });

    it('answers a bad percent-encoding in the path with a 400 that is not about JSON', async () => {
      const res = await hub.http().get('/api/v1/orgs/%FF');
      expectError(res, 400);
      expect(res.body.code).not.toBe('malformed_json');
    });

    it('answers a body over the size limit with 413', async () => {
      const res = await hub
        .http()
        .post('/api/v1/auth/login')
        .send({ login: 'x', password: 'p'.repeat(1_100_000) });
      expectError(res, 413, 'payload_too_large');
    });

    it('answers validation errors with details naming each field', async () => {
      const res = await hub.http().post('/api/v1/orgs').set(user.auth).send({ name: 7, kind: 'club', extra: 1 });
      expectError(res, 400, 'validation_failed');
      expect(res.body.details).toEqual(
        expect.arrayContaining([
          { field: 'name', message: 'name must be a string' },
          { field: 'kind', message: expect.stringContaining('kind must be one of') },
          { field: 'extra', message: expect.any(String) },
        ]),
      );
    });

    it('answers unknown routes with 404 JSON route_not_found', async () => {
      for (const [method, path] of [
        ['get', '/nope'],
        ['post', '/api/v1/nothing'],
        ['put', '/api/v1/orgs'],
        ['delete', '/api/v1/me'],
      ] as const) {
        const res = await hub.http()[method](path);
        expectError(res, 404, 'route_not_found');
        expect(res.headers['content-type']).toMatch(/application\/json/);
      }
    });

    it('sends X-Error-Message, which the Hugging Face clients show for HEAD requests', async () => {
      const res = await hub.http().head('/nope').expect(404);
      expect(decodeURIComponent(res.headers['x-error-message'])).toBe('No route HEAD /nope');
    });
  });

  describe('X-Request-Id', () => {
    it('is on every response, success or error', async () => {
      const org = await createOrg(hub, user);
      const responses = await Promise.all([
        hub.http().get('/healthz'),
        hub.http().get('/readyz'),
        hub.http().get('/openapi.json'),
        hub.http().get('/docs'),
        hub.http().get('/api/v1/orgs'),
        hub
          .http()
          .post('/api/v1/tokens')
          .set(user.auth)
          .send({ name: 'rid', scopes: ['read'] }),
        hub.http().get('/api/v1/me'),
        hub.http().get('/api/v1/orgs/nope'),
        hub
          .http()
          .patch(`/api/v1/orgs/${org}`)
          .set((await registerUser(hub)).auth)
          .send({}),
        hub.http().post('/api/v1/orgs').set(user.auth).send({ name: org, kind: 'company' }),
        hub.http().post('/api/v1/orgs').set('Content-Type', 'application/json').send('{'),
        hub.http().get('/missing'),
      ]);
      expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 201, 401, 404, 403, 409, 400, 404]);
      const ids = responses.map((r) => r.headers['x-request-id']);
      for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it("echoes the caller's id when it is sane and replaces it otherwise", async () => {
      const sane = await hub.http().get('/api/v1/orgs/nope').set('X-Request-Id', 'trace-42.abc:1');
      expect(sane.headers['x-request-id']).toBe('trace-42.abc:1');
      expect(sane.body.requestId).toBe('trace-42.abc:1');
      const insane = await hub.http().get('/healthz').set('X-Request-Id', 'x'.repeat(200));
      expect(insane.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('OpenAPI', () => {
    it('/openapi.json documents every platform route', async () => {
      const res = await hub.http().get('/openapi.json').expect(200);
      expect(res.body.openapi).toMatch(/^3\./);
      expect(documentedRoutes(res.body)).toEqual(expect.arrayContaining(PLATFORM_ROUTES));
    });

    it('/openapi.json documents every route the application declares', async () => {
      const documented = new Set(documentedRoutes((await hub.http().get('/openapi.json')).body).map(normalise));
      const declared = declaredRoutes(hub);
      expect(declared.map(normalise)).toEqual(expect.arrayContaining(PLATFORM_ROUTES.map(normalise)));
      expect(declared.filter((r) => !documented.has(normalise(r)))).toEqual([]);
    });

    it('documents bearer authentication', async () => {
      const res = await hub.http().get('/openapi.json').expect(200);
      expect(res.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(res.body.paths['/api/v1/tokens'].post.security).toEqual([{ bearer: [] }]);
    });

    it('/docs serves Swagger UI as HTML', async () => {
      const res = await hub.http().get('/docs').expect(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toContain('Swagger UI');
    });
  });

  describe('health', () => {
    it('/healthz and /readyz answer 200 without a token', async () => {
      expect((await hub.http().get('/healthz').expect(200)).body).toEqual({ status: 'ok' });
      expect((await hub.http().get('/readyz').expect(200)).body).toEqual({ status: 'ok', database: 'ok', objectStorage: 'ok' });
    });

    it('/readyz answers 503 when the database is unreachable, while /healthz stays 200', async () => {
      // A hub refuses to start without its database, so the database goes away under a running one.
      const doomed = await createTestDatabase();
      const broken = await startReplica(hub, { DATABASE_URL: doomed });
      const admin = new Client({ connectionString: readTestServices().pgAdminUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE "${new URL(doomed).pathname.slice(1)}" WITH (FORCE)`);
      await admin.end();
      try {
        await broken.http().get('/healthz').expect(200);
        const res = await broken.http().get('/readyz');
        expectError(res, 503, 'not_ready');
        expect(res.body.error).toMatch(/database unreachable/);
      } finally {
        await broken.close();
      }
    });
  });
});
