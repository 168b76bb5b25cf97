import * as ipaddr from 'ipaddr.js';
import { domainToASCII } from 'node:url';

/**
 * The SSRF guard for webhook URLs (RELIABILITY.md, "Security"). Pure: classifies strings, never
 * resolves or connects; resolution is injected.
 *
 * Allow rule: an address may be contacted only when ipaddr.js classifies it as 'unicast' (IPv6:
 * inside 2000::/3 global unicast) after unwrapping the forms that carry an IPv4 address
 * (IPv4-mapped, IPv4-translated, NAT64 64:ff9b::/96 and 64:ff9b:1::/48, 6to4 2002::/16), and it is
 * not a cloud metadata address; or when it lies inside one of policy.allowedCidrs, which wins.
 */
export interface AddressPolicy {
  allowedCidrs: readonly string[];
}

/** Reasons forbiddenAddressReason gives. */
export type ForbiddenAddressReason =
  | 'invalid'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'metadata'
  | 'ipv4-compatible'
  | 'teredo';

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Cidr = [Address, number];

/** Cloud metadata services (AWS, GCP, Azure, OpenStack; AWS IPv6; Alibaba; Azure wireserver). */
const METADATA_ADDRESSES = new Set(['169.254.169.254', '169.254.170.2', '100.100.100.200', '168.63.129.16', 'fd00:ec2::254']);

const IPV4_RANGE_REASONS: Record<string, ForbiddenAddressReason> = {
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'cgnat',
  private: 'private',
};

const IPV6_RANGE_REASONS: Record<string, ForbiddenAddressReason> = {
  unspecified: 'unspecified',
  loopback: 'loopback',
  linkLocal: 'link-local',
  multicast: 'multicast',
  uniqueLocal: 'private',
  deprecatedSiteLocal: 'private',
  teredo: 'teredo',
};

const GLOBAL_UNICAST_V6: Cidr = [ipaddr.IPv6.parse('2000::'), 3];
const NAT64_WELL_KNOWN: Cidr = [ipaddr.IPv6.parse('64:ff9b::'), 96];

// ---------------------------------------------------------------------------------------------
// Host parsing

const STRICT_DOTTED_QUAD = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * Parses a URL host that is an IP literal in ANY notation (decimal 2130706433, octal 0177.0.0.1,
 * hex 0x7f.1, short forms 127.1, trailing dot, full-width/percent-encoded digits, [::1],
 * [::ffff:127.0.0.1], unbracketed ::1) into canonical IP text (dotted quad; RFC 5952 IPv6 without
 * brackets), or null if the host is a name.
 *
 * IPv4 follows the WHATWG URL host parser, so the result equals what `new URL()` makes of the same
 * host. Fail-closed: a host that is IP-shaped but not a valid address (an IPv6 zone id such as
 * [fe80::1%25eth0], a bracketed non-address, a name ending in a number that does not parse such as
 * 256.1.1.1 or 1.2.3.4.5) is NOT reported as a name: its text is returned unchanged (without
 * brackets) and forbiddenAddressReason() refuses it as 'invalid'. It must never be handed to DNS.
 */
export function ipLiteralOf(host: string): string | null {
  if (typeof host !== 'string') return null;
  let text = host.trim();
  if (text === '') return null;
  if (text.startsWith('[') || text.endsWith(']')) {
    if (!(text.startsWith('[') && text.endsWith(']'))) return text;
    return ipv6Literal(text.slice(1, -1));
  }
  if (text.includes(':')) return ipv6Literal(text);

  if (text.includes('%')) {
    try {
      text = decodeURIComponent(text);
    } catch {
      return null;
    }
  }
  const ascii = domainToASCII(text) || text.toLowerCase();
  const parts = ascii.split('.');
  if (parts[parts.length - 1] === '') {
    if (parts.length === 1) return null;
    parts.pop();
  }
  if (!endsInANumber(parts[parts.length - 1])) return null;
  return parseWhatwgIPv4(parts) ?? ascii;
}

function ipv6Literal(inner: string): string {
  if (inner.includes('%')) return inner; // zone ids are refused
  const dotted = inner.lastIndexOf(':');
  const tail = inner.slice(dotted + 1);
  let hex = inner;
  if (tail.includes('.')) {
    if (!STRICT_DOTTED_QUAD.test(tail)) return inner;
    // Spell the embedded IPv4 in hex ourselves: ipaddr.js reads '::a.b.c.d' as '::ffff:a.b.c.d'.
    const [a, b, c, d] = tail.split('.').map(Number);
    hex = `${inner.slice(0, dotted + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  if (!ipaddr.IPv6.isValid(hex)) return inner;
  return ipaddr.IPv6.parse(hex).toString();
}

/** WHATWG "ends in a number": all digits, or 0x followed by hex digits. */
function endsInANumber(last: string): boolean {
  return /^\d+$/.test(last) || /^0x[0-9a-f]*$/i.test(last);
}

function parseIPv4Number(part: string): number | null {
  if (part === '') return null;
  let radix = 10;
  let digits = part;
  if (/^0x/i.test(part)) {
    radix = 16;
    digits = part.slice(2);
  } else if (part.length > 1 && part.startsWith('0')) {
    radix = 8;
    digits = part.slice(1);
  }
  if (digits === '') return 0;
  const valid = radix === 16 ? /^[0-9a-f]+$/i : radix === 8 ? /^[0-7]+$/ : /^\d+$/;
  if (!valid.test(digits)) return null;
  return parseInt(digits, radix);
}

function parseWhatwgIPv4(parts: string[]): string | null {
  if (parts.length > 4) return null;
  const numbers: number[] = [];
  for (const part of parts) {
    const n = parseIPv4Number(part);
    if (n === null) return null;
    numbers.push(n);
  }
  const last = numbers[numbers.length - 1];
  if (numbers.slice(0, -1).some((n) => n > 255)) return null;
  if (last >= 256 ** (5 - numbers.length)) return null;
  let value = last;
  for (let i = 0; i < numbers.length - 1; i++) value += numbers[i] * 256 ** (3 - i);
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

function parseAddress(ip: string): Address | null {
  const canonical = ipLiteralOf(ip);
  if (canonical === null || canonical.includes('%')) return null;
  try {
    // ipLiteralOf returns canonical text for every valid literal and the raw text otherwise: only a
    // fixed point of the canonical form is an address (ipaddr.js alone is laxer than URL parsing).
    let address: Address | null = null;
    if (ipaddr.IPv4.isValidFourPartDecimal(canonical)) address = ipaddr.IPv4.parse(canonical);
    else if (ipaddr.IPv6.isValid(canonical)) address = ipaddr.IPv6.parse(canonical);
    return address !== null && address.toString() === canonical ? address : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Allowed CIDRs

const cidrCache = new WeakMap<readonly string[], Cidr[]>();

/** True for an entry allowedCidrs accepts: a CIDR ('10.0.0.0/8', 'fd00::/8') or a bare address. */
export function isValidCidr(text: string): boolean {
  return parseCidr(text) !== null;
}

function parseCidr(text: string): Cidr | null {
  const trimmed = text.trim();
  try {
    if (trimmed.includes('/')) {
      const [address, bits] = trimmed.split('/');
      if (!/^\d{1,3}$/.test(bits)) return null;
      const parsed = parseAddress(address);
      if (!parsed) return null;
      const prefix = Number(bits);
      if (prefix > (parsed.kind() === 'ipv4' ? 32 : 128)) return null;
      return [parsed, prefix];
    }
    const parsed = parseAddress(trimmed);
    return parsed ? [parsed, parsed.kind() === 'ipv4' ? 32 : 128] : null;
  } catch {
    return null;
  }
}

/** Invalid entries are ignored (they allow nothing): validate settings with isValidCidr. */
function allowedCidrsOf(policy: AddressPolicy): Cidr[] {
  const list = policy.allowedCidrs ?? [];
  let parsed = cidrCache.get(list);
  if (!parsed) {
    parsed = list.map(parseCidr).filter((c): c is Cidr => c !== null);
    cidrCache.set(list, parsed);
  }
  return parsed;
}

function inCidrs(address: Address, cidrs: readonly Cidr[]): boolean {
  return cidrs.some(([network, bits]) => network.kind() === address.kind() && address.match(network, bits));
}

function allowedByCidrs(address: Address, cidrs: readonly Cidr[]): boolean {
  if (cidrs.length === 0) return false;
  if (inCidrs(address, cidrs)) return true;
  // IPv4-mapped IPv6 is the same IPv4 host on the local stack: match it both ways.
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    return inCidrs((address as ipaddr.IPv6).toIPv4Address(), cidrs);
  }
  if (address.kind() === 'ipv4') return inCidrs((address as ipaddr.IPv4).toIPv4MappedAddress(), cidrs);
  return false;
}

/**
 * True when the address lies inside one of policy.allowedCidrs (an IPv4-mapped IPv6 address counts
 * as its IPv4 address). This is the rule for plain `http` URLs.
 */
export function isInAllowedCidrs(ip: string, policy: AddressPolicy): boolean {
  const address = parseAddress(ip);
  return address !== null && allowedByCidrs(address, allowedCidrsOf(policy));
}

// ---------------------------------------------------------------------------------------------
// Classification

function ipv4FromBytes(bytes: number[]): ipaddr.IPv4 {
  return new ipaddr.IPv4(bytes);
}

function classifyV4(address: ipaddr.IPv4): ForbiddenAddressReason | null {
  if (METADATA_ADDRESSES.has(address.toString())) return 'metadata';
  const range = address.range();
  if (range === 'unicast') return null;
  return IPV4_RANGE_REASONS[range] ?? 'reserved';
}

/** RFC 6052 positions of an IPv4 address inside a NAT64 prefix of length 48, 56, 64 or 96. */
const NAT64_EMBEDDINGS: readonly (readonly number[])[] = [
  [6, 7, 9, 10],
  [7, 9, 10, 11],
  [9, 10, 11, 12],
  [12, 13, 14, 15],
];

function classifyV6(address: ipaddr.IPv6): ForbiddenAddressReason | null {
  if (METADATA_ADDRESSES.has(address.toString())) return 'metadata';
  const bytes = address.toByteArray();
  const last32 = ipv4FromBytes(bytes.slice(12, 16));
  const range = address.range() as string;
  switch (range) {
    case 'ipv4Mapped': // ::ffff:a.b.c.d
    case 'rfc6145': // ::ffff:0:a.b.c.d (IPv4-translated)
      return classifyV4(last32);
    case 'rfc6052': {
      if (address.match(NAT64_WELL_KNOWN)) return classifyV4(last32);
      // 64:ff9b:1::/48 (local-use NAT64): the operator picks the prefix length, so the address is
      // allowed only if it is harmless under every RFC 6052 layout.
      for (const positions of NAT64_EMBEDDINGS) {
        const reason = classifyV4(ipv4FromBytes(positions.map((i) => bytes[i])));
        if (reason) return reason;
      }
      return null;
    }
    case '6to4': // 2002:aabb:ccdd::/48 carries a.b.c.d
      return classifyV4(ipv4FromBytes(bytes.slice(2, 6)));
    case 'unicast': {
      if (bytes.slice(0, 12).every((b) => b === 0)) {
        // ::a.b.c.d, the deprecated IPv4-compatible form: never contacted.
        return classifyV4(last32) ?? 'ipv4-compatible';
      }
      return address.match(GLOBAL_UNICAST_V6) ? null : 'reserved';
    }
    default:
      return IPV6_RANGE_REASONS[range] ?? 'reserved';
  }
}

/**
 * null when the address may be contacted; otherwise the reason ('loopback', 'private',
 * 'link-local', 'cgnat', 'multicast', 'broadcast', 'reserved', 'metadata', 'unspecified',
 * 'ipv4-compatible', 'teredo', 'invalid'). Accepts any notation ipLiteralOf accepts (brackets
 * included); a name or an unparsable text is 'invalid'. IPv4-mapped IPv6, IPv4-translated, NAT64
 * and 6to4 addresses are judged as the IPv4 inside. Allowed CIDRs win.
 */
export function forbiddenAddressReason(ip: string, policy: AddressPolicy): ForbiddenAddressReason | null {
  const address = parseAddress(ip);
  if (!address) return 'invalid';
  if (allowedByCidrs(address, allowedCidrsOf(policy))) return null;
  return address.kind() === 'ipv4' ? classifyV4(address as ipaddr.IPv4) : classifyV6(address as ipaddr.IPv6);
}

// ---------------------------------------------------------------------------------------------
// URL check

export type UrlCheck = { ok: true } | { ok: false; reason: string };

/** Reasons checkWebhookUrl gives besides the ForbiddenAddressReason of a resolved address. */
export type UrlRefusalReason = 'invalid-url' | 'scheme-not-allowed' | 'credentials-in-url' | 'unresolvable-host' | 'http-not-allowed';

/**
 * The save-time rule: https (http only when every resolved address is in allowedCidrs), no
 * credentials in the URL, and every address the host resolves to (resolver injected:
 * (host) => Promise<string[]>) allowed. IP-literal hosts (any notation) are judged without calling
 * the resolver. Never connects. The reason is a UrlRefusalReason or a ForbiddenAddressReason; it
 * never contains the resolved addresses.
 */
export async function checkWebhookUrl(
  url: string,
  policy: AddressPolicy & { resolve: (host: string) => Promise<string[]> },
): Promise<UrlCheck> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: 'invalid-url' };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return { ok: false, reason: 'scheme-not-allowed' };
  if (parsed.username !== '' || parsed.password !== '') return { ok: false, reason: 'credentials-in-url' };
  const host = parsed.hostname;
  if (host === '') return { ok: false, reason: 'invalid-url' };

  let addresses: readonly string[];
  const literal = ipLiteralOf(host);
  if (literal !== null) {
    addresses = [literal];
  } else {
    try {
      addresses = await policy.resolve(host);
    } catch {
      return { ok: false, reason: 'unresolvable-host' };
    }
    if (!Array.isArray(addresses) || addresses.length === 0) return { ok: false, reason: 'unresolvable-host' };
  }

  for (const address of addresses) {
    const reason = forbiddenAddressReason(address, policy);
    if (reason !== null) return { ok: false, reason };
  }
  if (parsed.protocol === 'http:' && !addresses.every((a) => isInAllowedCidrs(a, policy))) {
    return { ok: false, reason: 'http-not-allowed' };
  }
  return { ok: true };
}
