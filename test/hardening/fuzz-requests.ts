import fc from 'fast-check';

/** One route to fuzz: a method, a path template with `{param}`s, its query parameters and body. */
export interface RouteSpec {
  method: string;
  template: string;
  query: { name: string; schema: Schema }[];
  body?: { contentType: string; schema: Schema | 'ndjson' };
}

export interface FuzzRequest {
  route: string;
  method: string;
  path: string;
  query: string;
  contentType?: string;
  body?: string;
  auth: boolean;
  /** A Range header, for the routes that serve bytes. */
  range?: string;
}

/** Real values for path parameters (by name), so that requests get past 404s into the routes. */
export type Pools = Record<string, string[]>;

type Schema = {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
};
interface OpenApi {
  paths: Record<
    string,
    Record<string, { parameters?: { in: string; name: string; schema?: Schema }[]; requestBody?: { content: Record<string, { schema: Schema }> } }>
  >;
  components?: { schemas?: Record<string, Schema> };
}

/** Every operation of the hub's OpenAPI document, with its schemas' `$ref`s resolved. */
export function routesFromOpenApi(doc: OpenApi): RouteSpec[] {
  const resolve = (s: Schema | undefined, depth = 0): Schema => {
    if (!s || depth > 8) return {};
    if (s.$ref) return resolve(doc.components?.schemas?.[s.$ref.split('/').pop()!], depth + 1);
    const merged = s.allOf ? Object.assign({}, ...s.allOf.map((x) => resolve(x, depth + 1))) : s;
    return {
      ...merged,
      properties: merged.properties && Object.fromEntries(Object.entries(merged.properties).map(([k, v]) => [k, resolve(v as Schema, depth + 1)])),
      items: merged.items && resolve(merged.items, depth + 1),
    };
  };
  return Object.entries(doc.paths).flatMap(([template, ops]) =>
    Object.entries(ops).map(([method, op]) => {
      const content = Object.entries(op.requestBody?.content ?? {})[0];
      return {
        method: method.toUpperCase(),
        template,
        query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: resolve(p.schema) })),
        body: content && { contentType: content[0], schema: content[0] === 'application/x-ndjson' ? 'ndjson' : resolve(content[1].schema) },
      };
    }),
  );
}

/**
 * The Hugging Face and git-lfs routes as their clients call them, where the document says less:
 * HEAD on resolve (hf_hub_download starts with it), the NDJSON commit's lines, git-lfs bodies.
 */
export const CLIENT_ROUTES: RouteSpec[] = [
  { method: 'HEAD', template: '/{ns}/{name}/resolve/{rev}/{path}', query: [] },
  { method: 'HEAD', template: '/api/models/{ns}/{name}/revision/{rev}', query: [] },
  {
    method: 'POST',
    template: '/api/models/{ns}/{name}/commit/{rev}',
    query: [{ name: 'create_pr', schema: { type: 'boolean' } }],
    body: { contentType: 'application/x-ndjson', schema: 'ndjson' },
  },
  {
    method: 'POST',
    template: '/{namespace}/{repo}.git/info/lfs/objects/batch',
    query: [],
    body: {
      contentType: 'application/vnd.git-lfs+json',
      schema: {
        type: 'object',
        required: ['operation', 'objects'],
        properties: {
          operation: { type: 'string', enum: ['upload', 'download'] },
          transfers: { type: 'array', items: { type: 'string', enum: ['basic', 'multipart'] } },
          ref: { type: 'object', properties: { name: { type: 'string' } } },
          objects: { type: 'array', items: { type: 'object', required: ['oid', 'size'], properties: { oid: { type: 'string' }, size: { type: 'integer' } } } },
          hash_algo: { type: 'string', enum: ['sha256'] },
        },
      },
    },
  },
  {
    method: 'POST',
    template: '/api/repos/create',
    query: [],
    body: {
      contentType: 'application/json',
      schema: {
        type: 'object',
        required: ['name'],
        properties: {
          name: { type: 'string' },
          organization: { type: 'string' },
          private: { type: 'boolean' },
          type: { type: 'string', enum: ['model', 'dataset'] },
        },
      },
    },
  },
  { method: 'GET', template: '/api/whoami-v2', query: [] },
];

/** The inputs of issue 9 that answered 500, and their relatives. */
export const HOSTILE_STRINGS = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00y',
  '\ud83d',
  '..',
  '../..',
  '../../etc/passwd',
  'a/../b',
  '.',
  '.git',
  '.git/config',
  'a\\b',
  '\\',
  'C:\\x',
  '/abs',
  '//',
  'a//b',
  '%',
  '%00',
  '%2e%2e',
  '%ZZ',
  '',
  ' ',
  '\t',
  '\n',
  '\r\n',
  'a b',
  '1e20',
  '-1',
  '0',
  '1.5',
  'NaN',
  'Infinity',
  '-Infinity',
  '9007199254740993',
  '99999999999999999999999',
  '0x10',
  'true',
  'null',
  'undefined',
  '[]',
  '{}',
  '<script>',
  "'; DROP TABLE models; --",
  '${x}',
  '{{x}}',
  'é',
  '模型',
  '🤗',
  '\u202e',
  '\ufeff',
  '\uffff',
  'x'.repeat(300),
  'x'.repeat(5000),
  'a/'.repeat(600),
  'refs/heads/main',
  'refs/pr/1',
  'HEAD',
  '@{u}',
  'main~1',
  'v1.0.0',
];

const HOSTILE_RANGES = [
  'bytes=0-1',
  'bytes=100-',
  'bytes=5-2',
  'bytes=-0',
  'bytes=abc',
  'bytes=1e20-',
  'bytes=99999999999999999999-',
  'bytes=0-1,3-4',
  'items=0-1',
  'bytes=-99999999999999999999',
];

const HOSTILE_NUMBERS = [1e20, -1, 0, 1.5, -1e300, 2 ** 31, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER, 1e-9];

/** A string: most often a fitting value, else something hostile. */
const hostileString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);

function stringFor(pool: string[] | undefined): fc.Arbitrary<string> {
  if (!pool?.length) return hostileString;
  const valid = fc.constantFrom(...pool);
  const mutated = fc.tuple(valid, hostileString, fc.boolean()).map(([v, h, before]) => (before ? h + v : v + h));
  return fc.oneof({ weight: 5, arbitrary: valid }, { weight: 3, arbitrary: hostileString }, { weight: 1, arbitrary: mutated });
}

/** A JSON value for a schema, now and then of the wrong type. */
function valueFor(schema: Schema, pools: Pools, key: string, depth: number): fc.Arbitrary<unknown> {
  const wrong = fc.oneof(fc.constantFrom(null, true, 42, 1e20, [], {}, '', 'x'.repeat(20_000)), fc.jsonValue({ maxDepth: 2 }), hostileString);
  let right: fc.Arbitrary<unknown>;
  const type = schema.type ?? (schema.properties ? 'object' : undefined);
  if (schema.enum?.length) right = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...schema.enum) }, { weight: 1, arbitrary: hostileString });
  else if (type === 'string') right = stringFor(pools[key]);
  else if (type === 'integer' || type === 'number') right = fc.oneof(fc.integer({ min: -2, max: 400 }), fc.constantFrom(...HOSTILE_NUMBERS), fc.double());
  else if (type === 'boolean') right = fc.boolean();
  else if (type === 'array') right = depth > 4 ? fc.constant([]) : fc.array(valueFor(schema.items ?? {}, pools, key, depth + 1), { maxLength: 4 });
  else if (type === 'object' && schema.properties && depth <= 4) right = objectFor(schema, pools, depth);
  else right = fc.jsonValue({ maxDepth: 2 });
  return fc.oneof({ weight: 9, arbitrary: right }, { weight: 1, arbitrary: wrong });
}

function objectFor(schema: Schema, pools: Pools, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const required = new Set(schema.required ?? []);
  const fields = Object.entries(schema.properties ?? {}).map(([key, s]) =>
    fc
      .tuple(fc.constant(key), valueFor(s, pools, key, depth + 1), fc.double({ min: 0, max: 1, noNaN: true }))
      .map(([k, v, p]) => (p < (required.has(k) ? 0.95 : 0.5) ? [k, v] : null)),
  );
  const unknown = fc.option(fc.tuple(hostileString, fc.jsonValue({ maxDepth: 1 })), { freq: 10 });
  return fc.tuple(fc.tuple(...fields), unknown).map(([entries, extra]) => {
    const out = Object.fromEntries(entries.filter((e): e is [string, unknown] => e !== null));
    if (extra) out[extra[0]] = extra[1];
    return out;
  });
}

const deepJson = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
/** Whole bodies that are not what any route expects. */
const HOSTILE_BODIES = [
  '',
  'null',
  '[]',
  '42',
  '"x"',
  '{',
  '{"a":1,}',
  '[{"a":"\\u0000"}]',
  '{"a":"\\ud800"}',
  deepJson(3000),
  `[${'['.repeat(5000)}${']'.repeat(5000)}]`,
  '{"__proto__":{"x":1}}',
  '{"limit":1e400,"size":-1e400}',
  '{"constructor":{"prototype":{}}}',
];

/** `arb` once in `1 + odds` draws, undefined otherwise. */
const rarely = <T>(arb: fc.Arbitrary<T>, odds: number): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: odds, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

const b64 = (text: string) => Buffer.from(text).toString('base64');

function ndjsonFor(pools: Pools): fc.Arbitrary<string> {
  const path = stringFor(pools.path);
  const oid = fc.oneof(fc.constantFrom(...(pools.oid ?? [])), fc.stringMatching(/^[0-9a-f]{64}$/), hostileString);
  const line = fc.oneof(
    fc.record({
      key: fc.constant('file'),
      value: fc.record({
        path,
        content: fc.oneof(fc.constantFrom(b64('hi'), b64(''), '!!!@@@', 'aGk=garbage', 'aGk'), hostileString),
        encoding: fc.constantFrom('base64', 'hex', undefined),
      }),
    }),
    fc.record({
      key: fc.constant('lfsFile'),
      value: fc.record({
        path,
        oid,
        algo: fc.constantFrom('sha256', 'md5'),
        size: fc.oneof(fc.nat(), fc.constantFrom(...HOSTILE_NUMBERS)),
        oldPath: rarely(path, 4),
      }),
    }),
    fc.record({ key: fc.constantFrom('deletedFile', 'deletedFolder'), value: fc.record({ path }) }),
    fc.record({ key: hostileString, value: fc.jsonValue({ maxDepth: 2 }) }),
  );
  const header = fc.record({
    key: fc.constant('header'),
    value: fc.record({
      summary: fc.oneof(fc.constant('fuzz'), hostileString),
      description: rarely(hostileString, 3),
      parentCommit: rarely(stringFor(pools.rev), 4),
    }),
  });
  const raw = fc.constantFrom('null', '[]', '42', '{', deepJson(3000), '{"key":"file","value":null}', '{"key":"header","value":{"summary":"a\\u0000b"}}');
  const lines = fc.array(fc.oneof({ weight: 4, arbitrary: line.map((l) => JSON.stringify(l)) }, { weight: 1, arbitrary: raw }), { maxLength: 4 });
  // A header line seven times in eight: without one, every commit stops at the first check.
  const withHeader = fc.integer({ min: 0, max: 7 }).map((n) => n > 0);
  return fc.tuple(withHeader, header, lines).map(([has, h, ls]) => [...(has ? [JSON.stringify(h)] : []), ...ls].join('\n'));
}

/** Percent-encodes a path segment; a lone surrogate becomes the bytes of its (invalid) UTF-8 form. */
export function encodeSegment(value: string, allowSlash: boolean): string {
  let out = '';
  for (const ch of value) {
    if (allowSlash && ch === '/') out += '/';
    else if (/[\ud800-\udfff]/.test(ch) && ch.length === 1) {
      const c = ch.charCodeAt(0);
      out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else out += encodeURIComponent(ch);
  }
  return out;
}

function queryValue(schema: Schema, pools: Pools, name: string): fc.Arbitrary<string> {
  if (schema.enum?.length) return fc.oneof(fc.constantFrom(...schema.enum.map(String)), hostileString);
  if (schema.type === 'integer' || schema.type === 'number')
    return fc.oneof(
      fc.integer({ min: -2, max: 300 }).map(String),
      fc.constantFrom('1e20', '9007199254740993', '-1', 'NaN', '1.5', 'Infinity', ''),
      hostileString,
    );
  if (schema.type === 'boolean') return fc.oneof(fc.constantFrom('true', 'false', '1', '0', 'yes'), hostileString);
  return stringFor(pools[name]);
}

/** A request to one of `routes`: path parameters, query, body and credentials drawn together. */
export function requestArbitrary(routes: RouteSpec[], pools: Pools): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(...routes.map((route) => routeRequest(route, pools)));
}

function routeRequest(route: RouteSpec, pools: Pools): fc.Arbitrary<FuzzRequest> {
  const names = [...route.template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  const params = fc.tuple(...names.map((n) => stringFor(pools[n])));
  const query = fc.tuple(
    ...route.query.map((q) =>
      rarely(
        queryValue(q.schema, pools, q.name).map((v) => [q.name, v] as const),
        1,
      ),
    ),
    rarely(fc.tuple(hostileString, hostileString), 10),
  );
  const body = route.body ? bodyFor(route.body, pools) : fc.constant(undefined);
  // Now and then a parameter given twice (`?limit=1&limit=2`): Express hands the route an array.
  const repeat = fc.integer({ min: 0, max: 9 }).map((n) => n === 0);
  const servesBytes = (route.method === 'GET' || route.method === 'HEAD') && names.includes('path');
  const range = servesBytes ? rarely(fc.constantFrom(...HOSTILE_RANGES), 1) : fc.constant(undefined);
  return fc.record({ params, query, body, auth: fc.boolean(), repeat, range }).map(({ params: values, query: q, body: b, auth, repeat: twice, range: r }) => {
    let i = 0;
    const path = route.template.replace(/\{(\w+)\}/g, (_, name: string) => encodeSegment(values[i++], name === 'path' || name === 'rev'));
    const pairs = (q as (readonly [string, string] | undefined)[]).filter((p): p is readonly [string, string] => p !== undefined);
    if (twice && pairs.length) pairs.push(pairs[0]);
    return {
      route: `${route.method} ${route.template}`,
      method: route.method,
      path,
      query: pairs.map(([k, v]) => `${encodeSegment(k, false)}=${encodeSegment(v, false)}`).join('&'),
      contentType: route.body?.contentType,
      body: b,
      auth,
      range: r,
    };
  });
}

function bodyFor(body: NonNullable<RouteSpec['body']>, pools: Pools): fc.Arbitrary<string> {
  const fitting = body.schema === 'ndjson' ? ndjsonFor(pools) : valueFor(body.schema, pools, '', 0).map((v) => JSON.stringify(v) ?? 'null');
  return fc.oneof({ weight: 9, arbitrary: fitting }, { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_BODIES) });
}
