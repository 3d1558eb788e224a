import Ajv2020 from 'ajv/dist/2020';
import { createOrg, createToken, registerUser, type TestUser } from '../support/factories';
import { createModel } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';

interface Operation {
  operationId: string;
  responses: Record<string, { content?: Record<string, { schema?: object }> }>;
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object> };
}

/** Routes that always answer an error (immutable versions and tags): only the error shape. */
const ALWAYS_ERRORS = ['VersionsController_remove', 'HfModelsController_deleteTag'];
/** Routes that succeed with an empty body at a status other than 204 (Hugging Face's own choice, S3's UploadPart). */
const EMPTY_BODIES = ['HfReposController_delete', 'HfModelsController_deleteBranch', 'StorageGatewayController_upload'];

function* refsIn(value: unknown): Generator<string> {
  if (!value || typeof value !== 'object') return;
  for (const [key, inner] of Object.entries(value)) {
    if (key === '$ref' && typeof inner === 'string') yield inner;
    else yield* refsIn(inner);
  }
}

describe('the OpenAPI document describes every response', () => {
  let hub: TestHub;
  let doc: Document;
  let user: TestUser;
  let org: string;
  const ajv = new Ajv2020({ strict: false, allErrors: true })
    .addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/)
    .addFormat('binary', true);

  beforeAll(async () => {
    hub = await startTestHub();
    doc = (await hub.http().get('/openapi.json').expect(200)).body as Document;
    user = await registerUser(hub);
    org = `org${Date.now().toString(36)}`;
    await createOrg(hub, user, org);
  });
  afterAll(() => hub.close());

  const operations = () => Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));

  it('gives every operation a success answer with a schema, unless it is bytes, empty or always an error', () => {
    expect(doc.openapi).toBe('3.1.0');
    const missing: string[] = [];
    let described = 0;
    for (const { path, method, op } of operations()) {
      expect({ path, error: op.responses.default?.content?.['application/json']?.schema }).toEqual({ path, error: { $ref: '#/components/schemas/ApiError' } });
      const success = Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));
      // Nest names an operation Controller_method, with [n] when the route has several paths.
      const is = (ids: string[]) => ids.includes(op.operationId.replace(/\[\d+\]$/, ''));
      if (is(ALWAYS_ERRORS)) {
        expect(success).toEqual([]);
        continue;
      }
      if (success.length !== 1) {
        missing.push(`${method.toUpperCase()} ${path}: ${success.length} success answers`);
        continue;
      }
      const [status, answer] = success[0];
      const schemas = Object.values(answer.content ?? {}).map((c) => c.schema);
      if (schemas.length && schemas.every(Boolean)) described++;
      else if (!(status === '204' || is(EMPTY_BODIES)) || answer.content) missing.push(`${method.toUpperCase()} ${path} ${status}`);
    }
    expect(missing).toEqual([]);
    expect(described).toBeGreaterThan(100);
  });

  it('resolves every $ref to a schema of the document', () => {
    const schemas = doc.components.schemas;
    const refs = [...new Set(refsIn(doc))];
    expect(refs.length).toBeGreaterThan(50);
    expect(refs.filter((ref) => !ref.startsWith('#/components/schemas/') || !schemas[ref.slice('#/components/schemas/'.length)])).toEqual([]);
    // Every component compiles as JSON Schema 2020-12.
    for (const name of Object.keys(schemas)) expect(() => ajv.compile({ $ref: `#/components/schemas/${name}`, components: doc.components })).not.toThrow();
  });

  /** Fetches a real answer and validates it against the schema documented for that operation. */
  async function expectDocumented(method: 'get' | 'post', template: string, url: string, status: number, send?: object, auth = user.auth) {
    const req = method === 'get' ? hub.http().get(url) : hub.http().post(url).send(send);
    const res = await req.set(auth).expect(status);
    const schema = doc.paths[template]?.[method]?.responses[String(status)]?.content?.['application/json']?.schema;
    expect({ template, schema: Boolean(schema) }).toEqual({ template, schema: true });
    const validate = ajv.compile({ ...schema, components: doc.components });
    if (!validate(res.body))
      throw new Error(`${method.toUpperCase()} ${url} does not match its schema: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(res.body)}`);
    return res.body as Record<string, unknown>;
  }

  it('answers what it documents: models, datasets, files, search, organizations, tokens, grants', async () => {
    const model = await createModel(hub, user);
    const dataset = await createModel(hub, user, { kind: 'dataset' });
    const base = `/api/v1/models/${model.id}`;
    await expectDocumented('post', '/api/v1/tokens', '/api/v1/tokens', 201, { name: 'contract', scopes: ['read'] });
    await createToken(hub, user, ['write']);
    const samples: [string, string][] = [
      ['/api/v1/models/{namespace}/{name}', base],
      ['/api/v1/datasets/{namespace}/{name}', `/api/v1/datasets/${dataset.id}`],
      ['/api/v1/models', '/api/v1/models'],
      ['/api/v1/models/{namespace}/{name}/files', `${base}/files`],
      ['/api/v1/models/{namespace}/{name}/commits', `${base}/commits`],
      ['/api/v1/models/{namespace}/{name}/refs', `${base}/refs`],
      ['/api/v1/models/{namespace}/{name}/versions', `${base}/versions`],
      ['/api/v1/search', '/api/v1/search?q=model'],
      ['/api/v1/me', '/api/v1/me'],
      ['/api/v1/tokens', '/api/v1/tokens'],
      ['/api/v1/orgs/{name}', `/api/v1/orgs/${org}`],
      ['/api/v1/orgs/{name}/members', `/api/v1/orgs/${org}/members`],
      ['/api/v1/orgs/{org}/grants', `/api/v1/orgs/${org}/grants`],
      ['/api/v1/me/grants', '/api/v1/me/grants'],
      ['/api/models/{ns}/{name}', `/api/models/${model.id}`],
      ['/api/datasets/{ns}/{name}', `/api/datasets/${dataset.id}`],
    ];
    for (const [template, url] of samples) await expectDocumented('get', template, url, 200);
    const info = await expectDocumented('get', '/api/v1/models/{namespace}/{name}', base, 200);
    expect(info.id).toBe(model.id);
  });
});
