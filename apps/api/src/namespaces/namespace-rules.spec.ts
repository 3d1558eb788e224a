import { HubException } from '../common/hub-exception';
import { assertValidNamespaceName, namespaceKey, RESERVED_NAMES } from './namespace-rules';

const problem = (name: string): { code: string; details?: unknown } | null => {
  try {
    assertValidNamespaceName(name, 'username');
    return null;
  } catch (err) {
    expect(err).toBeInstanceOf(HubException);
    return { code: (err as HubException).code, details: (err as HubException).extras.details };
  }
};

describe('namespace rules', () => {
  it.each(['ab', 'ada', 'Ada-Lovelace', 'ada_l', 'ada.l', 'a1', '42', 'x'.repeat(39), 'a-b_c.d'])('accepts %s', (name) => {
    expect(problem(name)).toBeNull();
  });

  it.each([
    ['too short', 'a'],
    ['too long', 'x'.repeat(40)],
    ['empty', ''],
    ['space', 'ada l'],
    ['slash', 'ada/l'],
    ['leading dash', '-ada'],
    ['trailing underscore', 'ada_'],
    ['leading dot', '.ada'],
    ['two separators in a row', 'ada-.l'],
    ['double dash', 'ada--l'],
    ['non-ASCII letter', 'zoë'],
    ['emoji', 'ada🙂'],
    ['percent', 'ada%20'],
  ])('refuses a name with %s', (_, name) => {
    expect(problem(name)).toEqual({ code: 'invalid_name', details: [{ field: 'username', message: expect.stringContaining('2-39 characters') }] });
  });

  it.each(['api', 'API', 'Models', 'docs', 'admin', 'healthz', 'readyz', 'openapi.json', 'datasets', 'settings', 'orgs'])('reserves %s', (name) => {
    expect(problem(name)).toEqual({ code: 'reserved_name', details: [{ field: 'username', message: 'is reserved' }] });
  });

  it('reserves every name the routes use, in lower case', () => {
    for (const name of ['api', 'docs', 'admin', 'healthz', 'readyz', 'openapi.json', 'models', 'datasets', 'settings'])
      expect(RESERVED_NAMES.has(name)).toBe(true);
    for (const name of RESERVED_NAMES) expect(name).toBe(name.toLowerCase());
  });

  it('compares names regardless of case', () => {
    expect(namespaceKey('Ada-Lovelace')).toBe(namespaceKey('ada-lovelace'));
  });
});
