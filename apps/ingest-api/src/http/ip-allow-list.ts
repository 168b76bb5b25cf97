import * as ipaddr from 'ipaddr.js';

/** Parses a CIDR or a bare address (as a /32 or /128); null when invalid. */
export function parseCidr(value: string): [ipaddr.IPv4 | ipaddr.IPv6, number] | null {
  try {
    if (value.includes('/')) return ipaddr.parseCIDR(value);
    const address = ipaddr.parse(value);
    return [address, address.kind() === 'ipv4' ? 32 : 128];
  } catch {
    return null;
  }
}

/** The canonical text of a CIDR ("10.0.0.1" → "10.0.0.1/32"), or null when invalid. */
export function normalizeCidr(value: string): string | null {
  const cidr = parseCidr(value);
  return cidr ? `${cidr[0].toString()}/${cidr[1]}` : null;
}

/** True when `ip` falls in any of the CIDRs; IPv4-mapped IPv6 callers are compared as IPv4. */
export function ipAllowed(ip: string, cidrs: readonly string[]): boolean {
  if (cidrs.length === 0) return true;
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = ipaddr.process(ip);
  } catch {
    return false;
  }
  return cidrs.some((text) => {
    const cidr = parseCidr(text);
    return cidr !== null && cidr[0].kind() === address.kind() && address.match(cidr as [typeof address, number]);
  });
}
