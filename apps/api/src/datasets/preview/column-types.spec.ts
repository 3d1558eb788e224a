import { jsonType, mergeTypes, parseCell, toJsonValue } from './column-types';

describe('parseCell', () => {
  it.each([
    ['', 'null', null],
    ['  ', 'null', null],
    ['42', 'integer', 42],
    ['-7', 'integer', -7],
    ['3.5', 'float', 3.5],
    ['1e3', 'float', 1000],
    ['.5', 'float', 0.5],
    ['NaN', 'float', 'NaN'],
    ['true', 'boolean', true],
    ['FALSE', 'boolean', false],
    ['hello', 'string', 'hello'],
    ['12345678901234567890', 'string', '12345678901234567890'],
    ['1,5', 'string', '1,5'],
  ])('%j is %s', (text, type, value) => {
    expect(parseCell(text)).toEqual({ type, value });
  });
});

describe('mergeTypes', () => {
  it('lets nulls fit anything, widens integers to floats and reads other mixes as text or JSON', () => {
    expect(mergeTypes('null', 'integer')).toBe('integer');
    expect(mergeTypes('integer', 'null')).toBe('integer');
    expect(mergeTypes('integer', 'float')).toBe('float');
    expect(mergeTypes('float', 'integer')).toBe('float');
    expect(mergeTypes('integer', 'boolean')).toBe('string');
    expect(mergeTypes('string', 'integer')).toBe('string');
    expect(mergeTypes('list', 'struct')).toBe('json');
    expect(mergeTypes('string', 'list')).toBe('json');
  });
});

describe('jsonType', () => {
  it('names the JSON types', () => {
    expect([null, true, 1, 1.5, 'x', [1], { a: 1 }].map(jsonType)).toEqual(['null', 'boolean', 'integer', 'float', 'string', 'list', 'struct']);
  });
});

describe('toJsonValue', () => {
  it('converts what JSON cannot carry, all the way down', () => {
    const value = {
      small: 5n,
      big: 2n ** 63n - 1n,
      when: new Date('2026-12-02T06:00:00Z'),
      bytes: new Uint8Array([104, 105]),
      nested: [{ n: -3n, d: new Date(Number.NaN) }],
      inf: Infinity,
    };
    expect(JSON.parse(JSON.stringify(toJsonValue(value)))).toEqual({
      small: 5,
      big: '9223372036854775807',
      when: '2026-12-02T06:00:00.000Z',
      bytes: 'aGk=',
      nested: [{ n: -3, d: null }],
      inf: 'Infinity',
    });
  });
});
