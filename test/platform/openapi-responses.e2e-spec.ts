import Ajv2020 from 'ajv/dist/2020';
import { createModelWithFiles, grantTo, publishOffer, twoOrganizations } from '../licensing/licensing-support';
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

/**
 * The schemas with no property beyond those declared, so an answer that carries more than its type
 * says (a record spread into a presenter) fails. The document itself stays open to additions.
 */
function closed<T>(value: T): T {
  if (Array.isArray(value)) return value.map(closed) as T;
  if (!value || typeof value !== 'object') return value;
  const copy = Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, closed(s)])) : closed(v),
    ]),
  );
  if (copy.type === 'object' && copy.properties && copy.additionalProperties === undefined) copy.additionalProperties = false;
  return copy as T;
}

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
      // An operation is named Controller_method; its mount on the datasets prefix, Controller_methodDataset.
      const is = (ids: string[]) => ids.includes(op.operationId.replace(/Dataset$/, ''));
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

  it('gives every operation an id of its own that client generators can use as a name', () => {
    const ids = operations().map(({ op }) => (op as { operationId?: string }).operationId);
    expect(ids.filter((id) => !/^[A-Za-z][A-Za-z0-9_]*$/.test(id ?? ''))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('resolves every $ref to a schema of the document', () => {
    const schemas = doc.components.schemas;
    const refs = [...new Set(refsIn(doc))];
    expect(refs.length).toBeGreaterThan(50);
    expect(refs.filter((ref) => !ref.startsWith('#/components/schemas/') || !schemas[ref.slice('#/components/schemas/'.length)])).toEqual([]);
    // Every component compiles as JSON Schema 2020-12.
    for (const name of Object.keys(schemas)) expect(() => ajv.compile({ $ref: `#/components/schemas/${name}`, components: doc.components })).not.toThrow();
  });

  /** Sends a request and validates the answer against the schema documented for that operation and status. */
  async function expectDocumented(method: 'get' | 'post', template: string, url: string, status: number, auth: Record<string, string>, send?: object) {
    const res = await (method === 'get' ? hub.http().get(url) : hub.http().post(url).send(send)).set(auth);
    expect({ url, status: res.status }).toEqual({ url, status });
    const responses = doc.paths[template]?.[method]?.responses;
    const schema = (status < 400 ? responses?.[String(status)] : responses?.default)?.content?.['application/json']?.schema;
    expect({ template, documented: Boolean(schema) }).toEqual({ template, documented: true });
    const validate = ajv.compile({ ...schema, components: closed(doc.components) });
    if (!validate(res.body)) throw new Error(`${method.toUpperCase()} ${url}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(res.body).slice(0, 2000)}`);
    return res.body as unknown;
  }

  it('answers what it documents: models, datasets, files, search, organizations, tokens, licensing, errors', async () => {
    const { owner, licenseeAdmin, publisher, licensee } = await twoOrganizations(hub);
    const model = await createModelWithFiles(hub, owner, publisher);
    const offer = await publishOffer(hub, owner, model.id);
    const { requestId } = await grantTo(hub, licenseeAdmin, licensee, offer.id, owner);
    const dataset = await createModel(hub, user, { kind: 'dataset' });
    await expectDocumented('post', '/api/v1/tokens', '/api/v1/tokens', 201, user.auth, { name: 'contract', scopes: ['read'] });
    await createToken(hub, user, ['write']);
    const base = `/api/v1/models/${model.id}`;
    const samples: [string, string, TestUser][] = [
      ['/api/v1/models/{namespace}/{name}', base, owner],
      ['/api/v1/datasets/{namespace}/{name}', `/api/v1/datasets/${dataset.id}`, user],
      ['/api/v1/models', '/api/v1/models', user],
      ['/api/v1/datasets', '/api/v1/datasets', user],
      ['/api/v1/models/{namespace}/{name}/files', `${base}/files?expand=true`, owner],
      ['/api/v1/models/{namespace}/{name}/commits', `${base}/commits`, owner],
      ['/api/v1/models/{namespace}/{name}/refs', `${base}/refs`, owner],
      ['/api/v1/models/{namespace}/{name}/versions', `${base}/versions`, owner],
      ['/api/v1/search', '/api/v1/search', user],
      ['/api/v1/me', '/api/v1/me', user],
      ['/api/v1/tokens', '/api/v1/tokens', user],
      ['/api/v1/orgs', '/api/v1/orgs', user],
      ['/api/v1/orgs/{name}', `/api/v1/orgs/${org}`, user],
      ['/api/v1/orgs/{name}/members', `/api/v1/orgs/${publisher}/members`, owner],
      ['/api/v1/models/{namespace}/{name}/offers', `${base}/offers`, licenseeAdmin],
      ['/api/v1/offers/{id}', `/api/v1/offers/${offer.id}`, licenseeAdmin],
      ['/api/v1/models/{namespace}/{name}/access', `${base}/access`, licenseeAdmin],
      ['/api/v1/license-requests/{id}', `/api/v1/license-requests/${requestId}`, licenseeAdmin],
      ['/api/v1/me/license-requests', '/api/v1/me/license-requests', licenseeAdmin],
      ['/api/v1/orgs/{org}/grants', `/api/v1/orgs/${licensee}/grants`, licenseeAdmin],
      ['/api/v1/models/{namespace}/{name}/grants', `${base}/grants`, owner],
      ['/api/v1/me/grants', '/api/v1/me/grants', licenseeAdmin],
      ['/api/v1/models/{namespace}/{name}/usage', `${base}/usage`, owner],
      ['/api/v1/orgs/{org}/audit', `/api/v1/orgs/${publisher}/audit`, owner],
      ['/api/v1/me/notifications', '/api/v1/me/notifications', owner],
      ['/api/models', '/api/models?full=true', user],
      ['/api/models/{ns}/{name}', `/api/models/${model.id}`, owner],
      ['/api/models/{ns}/{name}/tree/{rev}', `/api/models/${model.id}/tree/main?expand=true`, owner],
      ['/api/models/{ns}/{name}/commits/{rev}', `/api/models/${model.id}/commits/main`, owner],
      ['/api/models/{ns}/{name}/refs', `/api/models/${model.id}/refs`, owner],
      ['/api/datasets/{ns}/{name}', `/api/datasets/${dataset.id}`, user],
      ['/api/whoami-v2', '/api/whoami-v2', user],
    ];
    for (const [template, url, caller] of samples) await expectDocumented('get', template, url, 200, caller.auth);
    const tree = (await expectDocumented('get', '/api/v1/models/{namespace}/{name}/files', `${base}/files`, 200, owner.auth)) as { entries: unknown[] };
    expect(tree.entries.length).toBeGreaterThanOrEqual(3);
    const grants = (await expectDocumented('get', '/api/v1/orgs/{org}/grants', `/api/v1/orgs/${licensee}/grants`, 200, licenseeAdmin.auth)) as unknown[];
    expect(grants).toHaveLength(1);
    // Errors answer the shared error shape.
    await expectDocumented('get', '/api/v1/models/{namespace}/{name}', `/api/v1/models/${user.username}/missing`, 404, user.auth);
    await expectDocumented('post', '/api/v1/tokens', '/api/v1/tokens', 400, user.auth, { name: '' });
  });
});
