import fc from 'fast-check';
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import { bearer, createOrg, createToken, registerUser } from '../support/factories';
import { createModel } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';
import { CLIENT_ROUTES, encodeSegment, type FuzzRequest, type Pools, requestArbitrary, type RouteSpec, routesFromOpenApi } from './fuzz-requests';

/**
 * Issue 9's "Show": every route of the OpenAPI document and the Hugging Face clients' routes,
 * called with generated hostile input (NUL, lone surrogates, deep nesting, huge numbers,
 * backslashes, '..', long strings, wrong types, odd Range headers), anonymously and with a write token of a user who
 * owns models. Zero 5xx, and every 4xx in the one error shape. Reproducible: FUZZ_SEED, FUZZ_RUNS.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const CONCURRENCY = 8;

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

describe('fuzzing every route with malformed input', () => {
  let hub: TestHub;
  let token: string;
  let routes: RouteSpec[];
  let pools: Pools;
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

  beforeAll(async () => {
    hub = await startTestHub({ listen: true });
    const owner = await registerUser(hub);
    token = await createToken(hub, owner, ['write']);
    const org = await createOrg(hub, owner);
    const model = await createModel(hub, owner);
    const hidden = await createModel(hub, owner, { visibility: 'private' });
    const config = '{"model_type": "bert"}';
    const commit = await hub
      .http()
      .post(`/api/v1/models/${owner.username}/${model.name}/commits`)
      .set(bearer(token))
      .send({
        summary: 'files',
        operations: ['README.md', 'config.json', 'weights/model.bin'].map((path) => ({
          op: 'put',
          path,
          contentBase64: Buffer.from(path === 'config.json' ? config : path).toString('base64'),
        })),
      })
      .expect(201);
    const victim = (
      await hub
        .http()
        .post('/api/v1/tokens')
        .set(owner.auth)
        .send({ name: 'victim', scopes: ['read'] })
        .expect(201)
    ).body.id;
    const names = [owner.username, org];
    const revisions = ['main', commit.body.commitId, 'v1.0.0'];
    pools = {
      ns: names,
      namespace: names,
      username: names,
      org: names,
      author: names,
      organization: names,
      name: [model.name, hidden.name, org],
      repo: [model.name, hidden.name],
      rev: revisions,
      revision: revisions,
      branch: ['main', 'dev'],
      version: ['v1.0.0'],
      tag: ['v1.0.0'],
      startingPoint: ['main'],
      path: ['README.md', 'config.json', 'weights/model.bin', 'weights'],
      paths: ['README.md'],
      id: [randomUUID(), victim],
      uploadId: [randomUUID()],
      oid: [createHash('sha256').update(config).digest('hex')],
      job: ['gc', 'uploads'],
      login: [owner.username],
      password: [owner.password],
      email: [owner.email],
      summary: ['fuzz'],
    };
    const doc = await hub.http().get('/openapi.json').expect(200);
    const documented = routesFromOpenApi(doc.body);
    const known = new Set(documented.map((r) => `${r.method} ${r.template}`));
    routes = [...documented, ...CLIENT_ROUTES.filter((r) => !known.has(`${r.method} ${r.template}`))];
  });
  afterAll(async () => {
    agent.destroy();
    await hub.close();
  });

  function send(req: FuzzRequest): Promise<Answer> {
    const url = new URL(hub.url!);
    const headers: Record<string, string> = {};
    if (req.auth) headers.Authorization = `Bearer ${token}`;
    if (req.range) headers.Range = req.range;
    if (req.body !== undefined) {
      headers['Content-Type'] = req.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(req.body));
    }
    return new Promise((resolve, reject) => {
      const r = http.request(
        { host: url.hostname, port: url.port, method: req.method, path: req.path + (req.query ? `?${req.query}` : ''), headers, agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      r.setTimeout(20_000, () => r.destroy(new Error('timed out')));
      r.on('error', reject);
      r.end(req.body);
    });
  }

  /** What is wrong with an answer: a 5xx, or a 4xx that is not `{error, code, requestId}` JSON. */
  function problemOf(req: FuzzRequest, answer: Answer): string | null {
    if (answer.status >= 500) return `${answer.status}`;
    if (answer.status < 400 || req.method === 'HEAD') return null;
    if (!answer.contentType.includes('json')) return `${answer.status} with Content-Type ${answer.contentType}`;
    try {
      const body = JSON.parse(answer.body);
      if (typeof body.error === 'string' && typeof body.code === 'string' && typeof body.requestId === 'string') return null;
    } catch {
      // falls through
    }
    return `${answer.status} without the error shape`;
  }

  /** The inputs that answered 500 before issue 9, on the routes where they were seen. */
  function seeds(): FuzzRequest[] {
    const [ns, name] = [pools.ns[0], pools.name[0]];
    const json = (method: string, route: string, path: string, body: string, auth = true): FuzzRequest => ({
      route,
      method,
      path,
      query: '',
      contentType: 'application/json',
      body,
      auth,
    });
    const ndjson = (body: string): FuzzRequest => ({
      route: 'POST /api/models/{ns}/{name}/commit/{rev}',
      method: 'POST',
      path: `/api/models/${ns}/${name}/commit/main`,
      query: '',
      contentType: 'application/x-ndjson',
      body,
      auth: true,
    });
    const deep = '{"a":'.repeat(3000) + '1' + '}'.repeat(3000);
    const header = '{"key":"header","value":{"summary":"s"}}';
    return [
      { route: 'GET /api/v1/orgs/{name}', method: 'GET', path: '/api/v1/orgs/a%00b', query: '', auth: false },
      { route: 'GET /api/v1/models', method: 'GET', path: '/api/v1/models', query: 'search=a%00b', auth: false },
      { route: 'GET /api/v1/orgs', method: 'GET', path: '/api/v1/orgs', query: 'offset=1e20', auth: false },
      {
        route: 'GET /{ns}/{name}/resolve/{rev}/{path}',
        method: 'GET',
        path: `/${ns}/${name}/resolve/main/${encodeSegment('a\u0000b', true)}`,
        query: '',
        auth: true,
      },
      json('POST', 'POST /api/v1/orgs', '/api/v1/orgs', '{"name":"ab\\u0000c","kind":"company"}'),
      json('POST', 'POST /api/v1/orgs/{name}/members', `/api/v1/orgs/${pools.org[1]}/members`, '{"username":"\\ud800","role":"member"}'),
      json('POST', 'POST /api/v1/auth/login', '/api/v1/auth/login', deep, false),
      json('POST', 'POST /api/v1/models', '/api/v1/models', deep),
      ndjson(`${header}\nnull`),
      ndjson(`${header}\n{"key":"file","value":{"path":"a.txt","content":"!!!@@@"}}`),
      ndjson(`${header}\n{"key":"file","value":{"path":"a\\\\b.txt","content":"aGk="}}`),
      ndjson(`${header}\n{"key":"file","value":{"path":"x.txt","content":"aGk="}}\n{"key":"file","value":{"path":"x.txt","content":"aGk="}}`),
    ];
  }

  it(`answers no 5xx and the error shape on every 4xx (seed ${SEED}, ${RUNS} generated requests)`, async () => {
    const generating = Date.now();
    const requests = [...seeds(), ...fc.sample(requestArbitrary(routes, pools), { seed: SEED, numRuns: RUNS })];
    const started = Date.now();
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const covered = new Set<string>();
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const req = requests[next++];
        const answer = await send(req);
        covered.add(req.route);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        const problem = problemOf(req, answer);
        if (problem)
          failures.push(
            `${problem}: ${req.method} ${req.path}${req.query ? `?${req.query}` : ''} auth=${req.auth} body=${JSON.stringify(req.body?.slice(0, 300))} -> ${answer.body.slice(0, 300)}`,
          );
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const fiveHundreds = [...statuses].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
    const histogram = [...statuses]
      .sort(([a], [b]) => a - b)
      .map(([s, c]) => `${s}:${c}`)
      .join(' ');
    console.log(
      `fuzz: seed ${SEED}, ${requests.length} requests (generated in ${((started - generating) / 1000).toFixed(1)} s) sent in ${((Date.now() - started) / 1000).toFixed(1)} s, ` +
        `routes covered ${covered.size} of ${routes.length}, 5xx seen ${fiveHundreds}, statuses ${histogram}`,
    );
    expect(failures).toEqual([]);
    expect(covered.size).toBe(routes.length);
  }, 120_000);
});
