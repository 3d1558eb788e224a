import { decodeBase64 } from './base64';
import { jsonProblem, MAX_JSON_DEPTH, textProblem } from './input-rules';

const nested = (levels: number): unknown => (levels === 0 ? 1 : { a: nested(levels - 1) });

describe('input rules', () => {
  it('accepts ordinary text, surrogate pairs included', () => {
    for (const text of ['', 'abc', '模型', '🤗 emoji', 'tab\tand\nnewline', '\uffff']) expect(textProblem(text, 'x')).toBeNull();
  });

  it.each([
    ['a\u0000b', 'nul_character'],
    ['\ud800', 'invalid_unicode'],
    ['x\udc00', 'invalid_unicode'],
    ['\ud83d\ud83d\ude00', 'invalid_unicode'],
  ])('refuses %j (%s)', (text, code) => expect(textProblem(text, 'x')?.code).toBe(code));

  it('names the field at fault, keys included', () => {
    expect(jsonProblem({ a: [{ b: 'ok' }, { b: 'no\u0000' }] }, 'body')).toMatchObject({ code: 'nul_character', field: 'body.a[1].b' });
    expect(jsonProblem({ a: { 'k\ud800': 1 } }, 'body')).toMatchObject({ code: 'invalid_unicode', field: 'a field name in body.a' });
  });

  it(`allows ${MAX_JSON_DEPTH} levels of nesting and refuses more, without recursion`, () => {
    expect(jsonProblem(nested(MAX_JSON_DEPTH), 'body')).toBeNull();
    expect(jsonProblem(nested(MAX_JSON_DEPTH + 1), 'body')?.code).toBe('nesting_too_deep');
    expect(jsonProblem(JSON.parse('['.repeat(200_000) + ']'.repeat(200_000)), 'body')?.code).toBe('nesting_too_deep');
  });

  it('decodes standard padded base64 only', () => {
    expect(decodeBase64('aGVsbG8h')?.toString()).toBe('hello!');
    expect(decodeBase64('aGk=')?.toString()).toBe('hi');
    expect(decodeBase64('')?.length).toBe(0);
    for (const bad of ['!!!@@@', 'aGk', 'aGk=x', 'aGVsbG8=aGVs', 'aG k=', '-_8=', 'aGk=\n', '====']) expect(decodeBase64(bad)).toBeNull();
  });
});
