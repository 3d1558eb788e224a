import { addressAllowed, EMPTY_ALLOW_LIST, parseTargetAllowList, TargetAllowList } from './webhook-allow-list';
import { checkWebhookTarget } from './webhook-target';

const allowList = (raw: string): TargetAllowList => {
  const parsed = parseTargetAllowList(raw);
  if (!('list' in parsed)) throw new Error(`invalid: ${parsed.invalid.join(', ')}`);
  return parsed.list;
};
/** A resolver that answers from a table, as DNS would (or fails for unknown names). */
const dns = (table: Record<string, string[]>) => async (host: string) => {
  if (!table[host]) throw new Error('ENOTFOUND');
  return table[host].map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};
const problem = async (url: string, allow = EMPTY_ALLOW_LIST, table: Record<string, string[]> = {}) => {
  const checked = await checkWebhookTarget(url, allow, dns(table));
  return 'problem' in checked ? checked.problem : null;
};

describe('webhook targets', () => {
  it('refuses loopback, private, CGNAT, link-local, unique-local, unspecified, multicast and their IPv4-mapped forms', () => {
    const refused = [
      '127.0.0.1',
      '127.1.2.3',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '100.64.0.1',
      '169.254.169.254',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fd00::1',
      'fc00::1',
      'fe80::1',
      'ff02::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:169.254.169.254',
      '::ffff:10.0.0.1',
      '2002:7f00:1::1',
    ];
    for (const a of refused) expect([a, addressAllowed(EMPTY_ALLOW_LIST, a)]).toEqual([a, false]);
    for (const a of ['8.8.8.8', '1.1.1.1', '2606:4700::1111', '172.32.0.1', '100.128.0.1', '::ffff:8.8.8.8'])
      expect([a, addressAllowed(EMPTY_ALLOW_LIST, a)]).toEqual([a, true]);
  });

  it('parses the allow-list: CIDRs, single addresses, host names and domain wildcards; names bad entries', () => {
    const list = allowList('127.0.0.1/32, 10.0.0.0/8,fd00::/8,::1,hooks.internal,*.corp.example,::ffff:192.168.0.0/112');
    expect(addressAllowed(list, '127.0.0.1')).toBe(true);
    expect(addressAllowed(list, '127.0.0.2')).toBe(false);
    expect(addressAllowed(list, '10.200.3.4')).toBe(true);
    expect(addressAllowed(list, '::ffff:10.0.0.1')).toBe(true);
    expect(addressAllowed(list, 'fd12::1')).toBe(true);
    expect(addressAllowed(list, '::1')).toBe(true);
    expect(addressAllowed(list, '192.168.7.7')).toBe(true);
    expect(addressAllowed(list, '169.254.169.254')).toBe(false);
    expect(parseTargetAllowList('10.0.0.0/33,not a host,http://x')).toEqual({ invalid: ['10.0.0.0/33', 'not a host', 'http://x'] });
  });

  it('refuses non-http(s) URLs and credentials always, non-public hosts unless allowed', async () => {
    expect(await problem('ftp://example.org/hook')).toMatch(/http\(s\)/);
    expect(await problem('not a url')).toMatch(/absolute/);
    expect(await problem('https://user:pw@example.org/hook')).toMatch(/credentials/);
    expect(await problem('http://127.0.0.1:9000/hook')).toMatch(/non-public address .*WEBHOOK_ALLOWED_TARGETS/);
    expect(await problem('http://127.0.0.1:9000/hook', allowList('127.0.0.1/32'))).toBeNull();
    expect(await problem('http://[::1]/hook')).toMatch(/non-public/);
    expect(await problem('http://[::ffff:127.0.0.1]/hook')).toMatch(/non-public/);
    expect(await problem('http://169.254.169.254/latest/meta-data')).toMatch(/non-public/);
    expect(await problem('https://93.184.215.14/hook')).toBeNull();
  });

  it('checks every address a name resolves to; an allowed host name is allowed whatever it resolves to', async () => {
    const table = {
      'mixed.example': ['93.184.215.14', '10.0.0.5'],
      'public.example': ['93.184.215.14'],
      'hooks.internal': ['10.0.0.9'],
      'a.corp.example': ['192.168.1.2'],
    };
    expect(await problem('https://mixed.example/hook', EMPTY_ALLOW_LIST, table)).toMatch(/mixed\.example: 10\.0\.0\.5/);
    expect(await problem('https://public.example/hook', EMPTY_ALLOW_LIST, table)).toBeNull();
    expect(await problem('https://hooks.internal/hook', EMPTY_ALLOW_LIST, table)).toMatch(/non-public/);
    expect(await problem('https://hooks.internal/hook', allowList('hooks.internal'), table)).toBeNull();
    expect(await problem('https://a.corp.example/hook', allowList('*.corp.example'), table)).toBeNull();
    const checked = await checkWebhookTarget('https://public.example/hook', EMPTY_ALLOW_LIST, dns(table));
    expect(checked).toMatchObject({ target: { addresses: [{ address: '93.184.215.14', family: 4 }] } });
    // Not resolvable now: accepted at creation, checked again at each delivery.
    expect(await checkWebhookTarget('https://nowhere.example/hook', EMPTY_ALLOW_LIST, dns(table))).toEqual({ target: null });
  });
});
