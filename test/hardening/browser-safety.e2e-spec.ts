import { startTestHub, type TestHub } from '../support/test-hub';

/** Security headers on every answer, and the CORS policy (docs/platform.md#browsers). */
describe('browser-facing safety', () => {
  describe('with no CORS_ORIGINS (same origin only)', () => {
    let hub: TestHub;
    beforeAll(async () => {
      hub = await startTestHub();
    });
    afterAll(() => hub.close());

    it.each([
      ['a JSON answer', '/api/v1/orgs', 200],
      ['an error', '/api/v1/no-such-route', 404],
      ['a Hugging Face route', '/api/models', 200],
    ])('puts the security headers on %s', async (_what, path, status) => {
      const res = await hub.http().get(path).expect(status);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['x-powered-by']).toBeUndefined();
      // Plain http here: HSTS would make browsers refuse the hub on http.
      expect(res.headers['strict-transport-security']).toBeUndefined();
    });

    it('serves HTML (the API docs) with a content security policy that allows only its own scripts', async () => {
      const res = await hub.http().get('/docs/').expect(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      const csp = res.headers['content-security-policy'] as string;
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("object-src 'none'");
      // Every script the page loads is its own, so the policy does not break the page.
      expect(res.text).not.toMatch(/<script>(?!\s*<\/script>)/);
    });

    it('gives a page of another origin no CORS permission', async () => {
      const res = await hub.http().get('/api/models').set('Origin', 'https://evil.example').expect(200);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      const preflight = await hub.http().options('/api/v1/tokens').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST');
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('with CORS_ORIGINS naming origins', () => {
    let hub: TestHub;
    beforeAll(async () => {
      hub = await startTestHub({ env: { CORS_ORIGINS: 'https://app.example.org, http://localhost:5173', PUBLIC_URL: 'https://hub.example.org' } });
    });
    afterAll(() => hub.close());

    it('answers a preflight from a named origin, with credentials, and exposes the headers clients read', async () => {
      const preflight = await hub
        .http()
        .options('/api/v1/tokens')
        .set('Origin', 'https://app.example.org')
        .set('Access-Control-Request-Method', 'PUT')
        .set('Access-Control-Request-Headers', 'authorization, content-type')
        .expect(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example.org');
      expect(preflight.headers['access-control-allow-credentials']).toBe('true');
      expect(preflight.headers['access-control-allow-methods']).toContain('PUT');
      const res = await hub.http().get('/api/models').set('Origin', 'http://localhost:5173').expect(200);
      expect(res.headers['access-control-allow-origin']).toBe('http://localhost:5173');
      const exposed = (res.headers['access-control-expose-headers'] as string).split(',');
      expect(exposed).toEqual(expect.arrayContaining(['ETag', 'X-Repo-Commit', 'X-Request-Id', 'Link', 'X-Error-Code']));
    });

    it('refuses an origin it does not name', async () => {
      const res = await hub.http().get('/api/models').set('Origin', 'https://app.example.org.evil.example').expect(200);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('sends HSTS once the hub is known to be served over HTTPS', async () => {
      const res = await hub.http().get('/api/v1/orgs').expect(200);
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    });
  });

  describe('with CORS_ORIGINS=*', () => {
    let hub: TestHub;
    beforeAll(async () => {
      hub = await startTestHub({ env: { CORS_ORIGINS: '*' } });
    });
    afterAll(() => hub.close());

    it('lets any origin read, without cookies', async () => {
      const res = await hub.http().get('/api/models').set('Origin', 'https://anyone.example').expect(200);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    });
  });
});
