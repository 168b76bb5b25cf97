import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { buildConnector } from 'undici';
import { forbiddenAddressReason, ipLiteralOf, isInAllowedCidrs, type AddressPolicy } from '@concilia/webhooks';

/** Every address a host name resolves to (A and AAAA), as the system resolver answers. */
export type HostResolver = (host: string) => Promise<string[]>;

/** undici's connector: opens the socket for a new connection of its pool. */
export type SocketConnector = buildConnector.connector;

export const systemResolver: HostResolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

/** The receiver's address is one webhooks may never reach (private, loopback, metadata, ...). Nothing was connected. */
export class ForbiddenAddressError extends Error {
  readonly code = 'ERR_WEBHOOK_ADDRESS_FORBIDDEN';

  constructor(
    readonly host: string,
    readonly address: string,
    readonly reason: string,
  ) {
    // The resolved address is not in the message: it is stored with the attempt and shown to the
    // tenant, who must not learn the private addresses of names through it.
    super(host === address ? `ssrf guard: address ${address} is forbidden (${reason}); no connection made` : `ssrf guard: ${host} resolves to a forbidden address (${reason}); no connection made`);
    this.name = 'ForbiddenAddressError';
  }
}

export class UnresolvableHostError extends Error {
  readonly code = 'ENOTFOUND';

  constructor(readonly host: string, cause?: unknown) {
    super(`could not resolve ${host}${cause instanceof Error ? `: ${cause.message}` : ''}`);
    this.name = 'UnresolvableHostError';
  }
}

/**
 * The address to connect to for `host`, checked against the SSRF rule: an IP literal is judged
 * as it is (undici never looks those up, and any notation is parsed), a name is resolved here and
 * EVERY address it resolves to must be allowed (the same rule as at save time). Throws before
 * anything is connected.
 */
export async function checkedAddress(host: string, policy: AddressPolicy, resolve: HostResolver): Promise<string> {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const literal = isIP(bare) !== 0 ? bare : ipLiteralOf(bare);
  if (literal !== null) {
    const reason = forbiddenAddressReason(literal, policy);
    if (reason !== null) throw new ForbiddenAddressError(host, literal, reason);
    return literal;
  }
  let addresses: string[];
  try {
    addresses = await resolve(bare);
  } catch (error) {
    throw new UnresolvableHostError(bare, error);
  }
  if (addresses.length === 0) throw new UnresolvableHostError(bare);
  for (const address of addresses) {
    const reason = forbiddenAddressReason(address, policy);
    if (reason !== null) throw new ForbiddenAddressError(bare, address, reason);
  }
  return addresses[0];
}

/**
 * Wraps undici's socket connector so the SSRF rule is checked again on EVERY new connection
 * (DNS may have changed since the URL was saved, and a keep-alive pool opens connections at any
 * time): resolve, judge every address, then connect to the checked address only, keeping the
 * host name for TLS (SNI and certificate check). Plain http is allowed only to addresses inside
 * WEBHOOK_ALLOWED_CIDRS. Nothing reaches `connect` for a forbidden host.
 */
export function guardedConnector(options: { policy: AddressPolicy; resolve: HostResolver; connect: SocketConnector }): SocketConnector {
  return (connectOptions, callback) => {
    const host = connectOptions.hostname;
    checkedAddress(host, options.policy, options.resolve).then(
      (address) => {
        // Plain http only inside the allowed networks (the save-time rule, re-checked: DNS may have moved the host).
        if (connectOptions.protocol === 'http:' && !isInAllowedCidrs(address, options.policy)) {
          callback(new ForbiddenAddressError(host, address, 'plain http outside WEBHOOK_ALLOWED_CIDRS'), null);
          return;
        }
        const named = isIP(host) === 0 && ipLiteralOf(host) === null;
        const servername = connectOptions.protocol === 'https:' ? connectOptions.servername || (named ? host : undefined) : connectOptions.servername;
        options.connect({ ...connectOptions, hostname: address, servername }, callback);
      },
      (error: Error) => callback(error, null),
    );
  };
}
