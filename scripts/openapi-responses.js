#!/usr/bin/env node
// The response half of the OpenAPI contract, read from the code: for every route handler of every
// controller, the type its method returns (as TypeScript infers it, through services and
// presenters) becomes a JSON Schema. Written to apps/api/src/generated/openapi-responses.json,
// which app.factory.ts attaches to the document (apps/api/src/common/openapi-responses.ts).
// The type checker, not a schema generator working on syntax: most handlers return what a
// presenter or service infers, and syntax-only tools cannot see inferred types.
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const root = path.resolve(__dirname, '..');
const src = path.join(root, 'apps/api/src');
const out = path.join(src, 'generated/openapi-responses.json');
const HTTP = new Set(['Get', 'Post', 'Put', 'Patch', 'Delete', 'Head', 'All']);

function controllerFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' ? [] : controllerFiles(p);
    return e.name.endsWith('.controller.ts') ? [p] : [];
  });
}

/** The newest modification time of the TypeScript files the contract is read from. */
function newestSource(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((newest, e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' ? newest : Math.max(newest, newestSource(p));
    return e.name.endsWith('.ts') ? Math.max(newest, fs.statSync(p).mtimeMs) : newest;
  }, 0);
}

// `--if-stale` (the e2e tests' global setup): nothing to do when no source is newer than the file.
if (process.argv.includes('--if-stale') && fs.existsSync(out)) {
  const written = fs.statSync(out).mtimeMs;
  if (written >= Math.max(newestSource(src), newestSource(path.join(root, 'libs/contracts/src')), fs.statSync(__filename).mtimeMs)) process.exit(0);
}

const configFile = ts.readConfigFile(path.join(root, 'apps/api/tsconfig.json'), ts.sys.readFile);
const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, path.join(root, 'apps/api'));
const files = controllerFiles(src).sort();
// The shared contracts from their source, so this runs before `tsc -b` has built libs/contracts.
const paths = { '@model-hub/contracts': [path.join(root, 'libs/contracts/src')] };
const options = { ...parsed.options, noEmit: true, incremental: false, composite: false, paths };
const program = ts.createProgram(files, options);
const checker = program.getTypeChecker();

const schemas = {};
const names = new Map(); // declaration -> component name
const taken = new Set();

const decoratorName = (d) => (ts.isCallExpression(d.expression) ? d.expression.expression.getText() : d.expression.getText());
const decoratorsOf = (node) => (ts.canHaveDecorators(node) ? (ts.getDecorators(node) ?? []) : []);
const pascal = (s) => s.replace(/(^|[-_.])(\w)/g, (_, __, c) => c.toUpperCase());

/** A component name for a named type: its own name, qualified by its folder when two share one. */
function componentName(type, decl) {
  if (names.has(decl)) return names.get(decl);
  const symbol = type.aliasSymbol ?? type.symbol;
  const args = (type.aliasTypeArguments ?? type.typeArguments ?? []).map((a) => typeLabel(a));
  let name = symbol.getName() + args.join('');
  if (taken.has(name)) name = pascal(path.basename(path.dirname(decl.getSourceFile().fileName))) + name;
  while (taken.has(name)) name += '_';
  taken.add(name);
  names.set(decl, name);
  return name;
}

const typeLabel = (t) => pascal((t.aliasSymbol ?? t.symbol)?.getName() ?? checker.typeToString(t)).replace(/\W/g, '');

/** The declaration that names a type worth a component: an interface, class or alias of our own code. */
function namedDeclaration(type) {
  const symbol = type.aliasSymbol ?? type.symbol;
  const decl = symbol?.declarations?.[0];
  if (!decl || decl.getSourceFile().fileName.includes('node_modules')) return null;
  if (type.aliasSymbol) return decl;
  if (symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Class)) return decl;
  return null;
}

const isOptional = (symbol) => (symbol.flags & ts.SymbolFlags.Optional) !== 0;
const withoutUndefined = (types) => types.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)));

function schemaOf(type, seen = 0) {
  if (seen > 40) throw new Error(`Type too deep: ${checker.typeToString(type)}`);
  const f = type.flags;
  if (f & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return {};
  if (f & ts.TypeFlags.StringLiteral) return { type: 'string', const: type.value };
  if (f & ts.TypeFlags.NumberLiteral) return { type: 'number', const: type.value };
  if (f & ts.TypeFlags.BooleanLiteral) return { type: 'boolean', const: type.intrinsicName === 'true' };
  if (f & ts.TypeFlags.StringLike) return { type: 'string' };
  if (f & ts.TypeFlags.NumberLike) return { type: 'number' };
  if (f & ts.TypeFlags.BigIntLike) return { type: 'integer' };
  if (f & ts.TypeFlags.BooleanLike) return { type: 'boolean' };
  if (f & ts.TypeFlags.Null) return { type: 'null' };
  const decl = namedDeclaration(type);
  if (decl && !(f & ts.TypeFlags.Union && type.types.every((t) => t.flags & ts.TypeFlags.Literal))) {
    if (!names.has(decl)) {
      const name = componentName(type, decl);
      schemas[name] = {};
      schemas[name] = describe(structure(type, seen), decl);
    }
    return { $ref: `#/components/schemas/${names.get(decl)}` };
  }
  return structure(type, seen);
}

function describe(schema, decl) {
  const doc = ts
    .getJSDocCommentsAndTags(decl)
    .map((d) => (typeof d.comment === 'string' ? d.comment : ''))
    .join(' ')
    .trim();
  return doc ? { ...schema, description: doc } : schema;
}

function structure(type, seen) {
  if (type.isUnion()) {
    const types = withoutUndefined(type.types);
    const literals = types.filter((t) => t.flags & (ts.TypeFlags.StringLiteral | ts.TypeFlags.NumberLiteral));
    const rest = types.filter((t) => !literals.includes(t));
    const booleans = rest.filter((t) => t.flags & ts.TypeFlags.BooleanLiteral);
    const others = booleans.length === 2 ? rest.filter((t) => !booleans.includes(t)) : rest;
    const parts = [];
    const values = literals.map((t) => t.value);
    if (literals.length) parts.push({ type: values.every((v) => typeof v === 'string') ? 'string' : 'number', enum: values });
    if (booleans.length === 2) parts.push({ type: 'boolean' });
    for (const t of others) parts.push(schemaOf(t, seen + 1));
    if (parts.length === 1) return parts[0];
    // `string | null` as `type: [string, null]`, as JSON Schema writes it.
    const plain = parts.every((p) => Object.keys(p).length === 1 && typeof p.type === 'string');
    return plain ? { type: parts.map((p) => p.type) } : { anyOf: parts };
  }
  if (type.isIntersection() || type.flags & ts.TypeFlags.Object) return objectSchema(type, seen);
  return {};
}

function objectSchema(type, seen) {
  if (checker.isArrayType(type)) return { type: 'array', items: schemaOf(checker.getTypeArguments(type)[0], seen + 1) };
  if (checker.isTupleType(type)) {
    const items = checker.getTypeArguments(type).map((t) => schemaOf(t, seen + 1));
    return { type: 'array', prefixItems: items, minItems: items.length, maxItems: items.length };
  }
  const name = type.symbol?.getName();
  if (name === 'Date') return { type: 'string', format: 'date-time' };
  const properties = {};
  const required = [];
  for (const prop of checker.getPropertiesOfType(type)) {
    const decl = prop.valueDeclaration ?? prop.declarations?.[0];
    const propType = decl ? checker.getTypeOfSymbolAtLocation(prop, decl) : checker.getTypeOfSymbol(prop);
    if (propType.getCallSignatures().length) continue; // methods do not survive JSON
    const optional = isOptional(prop) || (propType.isUnion() && propType.types.some((t) => t.flags & ts.TypeFlags.Undefined));
    properties[prop.getName()] = decl ? describe(schemaOf(propType, seen + 1), decl) : schemaOf(propType, seen + 1);
    if (!optional) required.push(prop.getName());
  }
  const index = checker.getIndexInfoOfType(type, ts.IndexKind.String);
  const schema = { type: 'object', properties };
  if (required.length) schema.required = required;
  if (index) schema.additionalProperties = schemaOf(index.type, seen + 1);
  return schema;
}

const isBytes = (t) => ['StreamableFile', 'Buffer'].includes(t.symbol?.getName());

/**
 * What a handler sends: its awaited return type without the byte answers (a StreamableFile, as a
 * CSV export), `bytes` when it sends some, or `never` when it always throws.
 */
function answerOf(signature) {
  let type = checker.getReturnTypeOfSignature(signature);
  type = checker.getAwaitedType(type) ?? type;
  if (type.flags & ts.TypeFlags.Never) return { never: true };
  const members = withoutUndefined(type.isUnion() ? type.types : [type]);
  const json = members.filter((t) => !isBytes(t));
  const bytes = json.length < members.length;
  if (!json.length) return { bytes };
  const schema = json.length === 1 ? schemaOf(json[0]) : { anyOf: json.map((t) => schemaOf(t)) };
  return { schema, bytes };
}

const routes = {};
for (const file of files) {
  ts.forEachChild(program.getSourceFile(file), (node) => {
    if (!ts.isClassDeclaration(node) || !node.name || !decoratorsOf(node).some((d) => decoratorName(d) === 'Controller')) return;
    for (const member of node.members) {
      if (!ts.isMethodDeclaration(member) || !decoratorsOf(member).some((d) => HTTP.has(decoratorName(d)))) continue;
      const key = `${node.name.text}.${member.name.getText()}`;
      const answer = answerOf(checker.getSignatureFromDeclaration(member));
      routes[key] = answer;
      const schema = answer.schema;
      if (schema && !schema.$ref) {
        // Unnamed answers (inferred object literals) still get a component, so clients have a name.
        const name = `${node.name.text.replace(/Controller$/, '')}${pascal(member.name.getText())}Answer`;
        schemas[name] = schema;
        answer.schema = { $ref: `#/components/schemas/${name}` };
      }
    }
  });
}

// The one error shape (common/all-exceptions.filter.ts), every operation's default answer.
const contracts = program.getSourceFile(path.join(root, 'libs/contracts/src/platform.ts'));
const apiError = checker.getExportsOfModule(checker.getSymbolAtLocation(contracts)).find((s) => s.getName() === 'ApiError');
schemaOf(checker.getDeclaredTypeOfSymbol(apiError));

fs.mkdirSync(path.dirname(out), { recursive: true });
// Written whole then renamed: a test run reading it meanwhile sees the old file or the new one.
fs.writeFileSync(`${out}.tmp`, `${JSON.stringify({ schemas, routes }, null, 1)}\n`);
fs.renameSync(`${out}.tmp`, out);
