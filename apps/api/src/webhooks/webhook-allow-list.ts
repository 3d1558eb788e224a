import ipaddr from 'ipaddr.js';

/**
 * WEBHOOK_ALLOWED_TARGETS: the addresses and host names an administrator lets webhooks reach
 * although they are loopback, private, link-local, unique-local or otherwise not public
 * (docs/webhooks.md). Comma-separated entries, each a CIDR (`10.20.0.0/16`, `fd00::/8`), a single
 * address (`127.0.0.1`, `::1`), a host name (`hooks.internal`) or a domain wildcard
 * (`*.corp.example`, its subdomains).
 */
export interface TargetAllowList {
  ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][];
  hosts: string[];
  /** Domain suffixes, with their leading dot (`*.corp.example` → `.corp.example`). */
  domains: string[];
}

export const EMPTY_ALLOW_LIST: TargetAllowList = { ranges: [], hosts: [], domains: [] };

const HOST_NAME = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** The parsed list, or the entries that are none of the accepted forms. */
export function parseTargetAllowList(raw: string): { list: TargetAllowList } | { invalid: string[] } {
  const list: TargetAllowList = { ranges: [], hosts: [], domains: [] };
  const invalid: string[] = [];
  for (const entry of raw
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean)) {
    const bare = entry.replace(/^\[(.*)\]$/, '$1');
    if (bare.includes('/')) {
      if (!ipaddr.isValidCIDR(bare)) invalid.push(entry);
      else list.ranges.push(asIPv4IfMapped(...ipaddr.parseCIDR(bare)));
    } else if (ipaddr.isValid(bare)) {
      const addr = ipaddr.process(bare);
      list.ranges.push([addr, addr.kind() === 'ipv4' ? 32 : 128]);
    } else if (bare.startsWith('*.') && HOST_NAME.test(bare.slice(2))) {
      list.domains.push(bare.slice(1));
    } else if (HOST_NAME.test(bare)) {
      list.hosts.push(bare);
    } else {
      invalid.push(entry);
    }
  }
  return invalid.length ? { invalid } : { list };
}

/** `::ffff:10.0.0.0/104` is the range 10.0.0.0/8: addresses are matched after ipaddr.process. */
function asIPv4IfMapped(addr: ipaddr.IPv4 | ipaddr.IPv6, bits: number): [ipaddr.IPv4 | ipaddr.IPv6, number] {
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) return [(addr as ipaddr.IPv6).toIPv4Address(), bits - 96];
  return [addr, bits];
}

/** Whether the host name is allowed by name (exactly, or under an allowed domain). */
export function hostAllowed(list: TargetAllowList, host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return list.hosts.includes(h) || list.domains.some((d) => h.endsWith(d));
}

/**
 * Whether a webhook may connect to this address: a public unicast address, or one inside an
 * allowed range. IPv4-mapped IPv6 forms (`::ffff:127.0.0.1`) are judged as the IPv4 address they
 * carry; everything ipaddr.js does not class as `unicast` (loopback, private, link-local with the
 * cloud metadata address 169.254.169.254, unique-local, CGNAT, unspecified, multicast, broadcast,
 * reserved, and the IPv6 forms that embed an IPv4 address: 6to4, Teredo, NAT64) is refused.
 */
export function addressAllowed(list: TargetAllowList, address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const addr = ipaddr.process(address);
  if (list.ranges.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net, bits))) return true;
  return addr.range() === 'unicast';
}
