import { checkWebhookUrl, forbiddenAddressReason, ipLiteralOf, isInAllowedCidrs, isValidCidr, type AddressPolicy } from './address-guard';

/**
 * These tests only classify strings: nothing here resolves a name or opens a connection. Where a
 * resolver is needed it is a jest.fn stub, and for IP-literal hosts the stub must not be called.
 */

const NONE: AddressPolicy = { allowedCidrs: [] };
const LOOPBACK_ALLOWED: AddressPolicy = { allowedCidrs: ['127.0.0.0/8'] };

function resolverReturning(addresses: string[]): jest.Mock<Promise<string[]>, [string]> {
  return jest.fn(async (_host: string) => addresses);
}

function neverResolve(): jest.Mock<Promise<string[]>, [string]> {
  return jest.fn(async (host: string): Promise<string[]> => {
    throw new Error(`the resolver must not be called (asked for ${host})`);
  });
}

/** [host as written in a URL, expected reason]. Every one of them is refused. */
const FORBIDDEN: ReadonlyArray<[string, string]> = [
  // IPv4 loopback in every notation the WHATWG URL parser (and inet_aton) accepts
  ['127.0.0.1', 'loopback'],
  ['127.1', 'loopback'],
  ['127.0.1', 'loopback'],
  ['2130706433', 'loopback'],
  ['0x7f000001', 'loopback'],
  ['0X7F000001', 'loopback'],
  ['017700000001', 'loopback'],
  ['0177.0.0.1', 'loopback'],
  ['0177.0000.0000.0001', 'loopback'],
  ['0x7f.0.0.1', 'loopback'],
  ['0x7f.1', 'loopback'],
  ['0x7f.0x0.0x0.0x1', 'loopback'],
  ['127.000.000.001', 'loopback'],
  ['127.0.0.1.', 'loopback'],
  ['127%2e0%2e0%2e1', 'loopback'],
  ['%31%32%37.0.0.1', 'loopback'],
  ['\uff10x7f.1', 'loopback'], // full-width digits
  ['127\u30020\u30020\u30021', 'loopback'], // ideographic full stops
  ['127.255.255.254', 'loopback'],
  // unspecified
  ['0.0.0.0', 'unspecified'],
  ['0', 'unspecified'],
  ['0x0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['[::]', 'unspecified'],
  ['[0:0:0:0:0:0:0:0]', 'unspecified'],
  ['[::ffff:0.0.0.0]', 'unspecified'],
  // private
  ['10.0.0.1', 'private'],
  ['10.255.255.255', 'private'],
  ['012.0.0.1', 'private'],
  ['0xa.0.0.1', 'private'],
  ['167772161', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.254', 'private'],
  ['192.168.1.1', 'private'],
  ['0xc0a80101', 'private'],
  ['3232235777', 'private'],
  ['0300.0250.1.1', 'private'],
  ['[fc00::1]', 'private'],
  ['[fd12:3456:789a::1]', 'private'],
  ['[fec0::1]', 'private'],
  ['[::ffff:10.0.0.1]', 'private'],
  ['[::ffff:192.168.0.1]', 'private'],
  ['[::ffff:ac10:1]', 'private'],
  // link-local
  ['169.254.0.1', 'link-local'],
  ['169.254.255.254', 'link-local'],
  ['[fe80::1]', 'link-local'],
  ['[febf::1]', 'link-local'],
  // cloud metadata, also through IPv4-mapped / NAT64 / 6to4 / odd notations
  ['169.254.169.254', 'metadata'],
  ['0xa9fea9fe', 'metadata'],
  ['2852039166', 'metadata'],
  ['0251.0376.0251.0376', 'metadata'],
  ['169.254.43518', 'metadata'],
  ['[::ffff:169.254.169.254]', 'metadata'],
  ['[::ffff:a9fe:a9fe]', 'metadata'],
  ['[64:ff9b::a9fe:a9fe]', 'metadata'],
  ['[2002:a9fe:a9fe::1]', 'metadata'],
  ['[fd00:ec2::254]', 'metadata'],
  ['100.100.100.200', 'metadata'],
  ['169.254.170.2', 'metadata'],
  // CGNAT
  ['100.64.0.1', 'cgnat'],
  ['100.127.255.254', 'cgnat'],
  ['[::ffff:100.64.0.1]', 'cgnat'],
  // multicast
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['[ff02::1]', 'multicast'],
  ['[ff05::1:3]', 'multicast'],
  // broadcast and reserved
  ['255.255.255.255', 'broadcast'],
  ['4294967295', 'broadcast'],
  ['240.0.0.1', 'reserved'],
  ['192.0.0.1', 'reserved'],
  ['192.0.2.1', 'reserved'],
  ['198.18.0.1', 'reserved'],
  ['198.19.255.254', 'reserved'],
  ['198.51.100.1', 'reserved'],
  ['203.0.113.1', 'reserved'],
  ['[2001:db8::1]', 'reserved'],
  ['[100::1]', 'reserved'],
  ['[3fff::1]', 'reserved'],
  ['[4000::1]', 'reserved'], // outside 2000::/3 global unicast
  // IPv6 loopback and the IPv6 forms of IPv4 loopback
  ['[::1]', 'loopback'],
  ['[0:0:0:0:0:0:0:1]', 'loopback'],
  ['[::ffff:127.0.0.1]', 'loopback'],
  ['[::ffff:7f00:1]', 'loopback'],
  ['[::FFFF:7F00:1]', 'loopback'],
  ['[0:0:0:0:0:ffff:127.0.0.1]', 'loopback'],
  ['[::ffff:0:127.0.0.1]', 'loopback'], // IPv4-translated (RFC 6145)
  ['[64:ff9b::7f00:1]', 'loopback'], // NAT64 well-known prefix
  ['[64:ff9b::127.0.0.1]', 'loopback'],
  ['[::127.0.0.1]', 'loopback'], // IPv4-compatible
  ['[::7f00:1]', 'loopback'],
  ['[2002:7f00:1::]', 'loopback'], // 6to4
  ['2002:7f00:1::', 'loopback'], // unbracketed, as a resolver or a connector may give it
  ['[2002:a00:1::1]', 'private'],
  ['[64:ff9b::10.0.0.1]', 'private'],
  // Teredo and IPv4-compatible (deprecated) are never contacted
  ['[2001:0:4136:e378:8000:63bf:3fff:fdd2]', 'teredo'],
  ['[2001::1]', 'teredo'],
  ['[::808:808]', 'ipv4-compatible'],
];

/** Public addresses in several notations: allowed with an empty policy. */
const ALLOWED: ReadonlyArray<[string, string]> = [
  ['8.8.8.8', '8.8.8.8'],
  ['1.1.1.1', '1.1.1.1'],
  ['93.184.216.34', '93.184.216.34'],
  ['134744072', '8.8.8.8'],
  ['0x08080808', '8.8.8.8'],
  ['8.8.8.8.', '8.8.8.8'],
  ['[2606:4700:4700::1111]', '2606:4700:4700::1111'],
  ['[2a00:1450:4001:80b::200e]', '2a00:1450:4001:80b::200e'],
  ['[::ffff:8.8.8.8]', '::ffff:808:808'],
  ['[64:ff9b::8.8.8.8]', '64:ff9b::808:808'],
  ['[2002:808:808::1]', '2002:808:808::1'],
];

describe('ipLiteralOf and forbiddenAddressReason over the forbidden notations', () => {
  it('covers well over 60 notations', () => {
    expect(FORBIDDEN.length).toBeGreaterThanOrEqual(60);
  });

  it.each(FORBIDDEN)('%s is an IP literal refused as %s', (host, reason) => {
    const literal = ipLiteralOf(host);
    expect(literal).not.toBeNull();
    expect(forbiddenAddressReason(literal as string, NONE)).toBe(reason);
    // The raw notation is judged the same way as its canonical text.
    expect(forbiddenAddressReason(host, NONE)).toBe(reason);
  });

  it.each(FORBIDDEN)('https://%s/hook is refused without a DNS look-up', async (host, reason) => {
    const resolve = neverResolve();
    const urlHost = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
    await expect(checkWebhookUrl(`https://${urlHost}/hook`, { allowedCidrs: [], resolve })).resolves.toEqual({ ok: false, reason });
    expect(resolve).not.toHaveBeenCalled();
  });

  it.each(FORBIDDEN.filter(([host]) => !host.startsWith('[') && !host.includes(':')))(
    '%s gives the same address as Node\'s WHATWG URL parser',
    (host) => {
      expect(ipLiteralOf(host)).toBe(new URL(`https://${host}/`).hostname);
    },
  );

  it.each(FORBIDDEN.filter(([host]) => host.startsWith('[')))('%s gives the same address as Node\'s URL parser (IPv6)', (host) => {
    expect(`[${ipLiteralOf(host)}]`).toBe(new URL(`https://${host}/`).hostname);
  });

  it('refuses every candidate layout of the local-use NAT64 prefix 64:ff9b:1::/48', () => {
    expect(forbiddenAddressReason('64:ff9b:1::7f00:1', NONE)).not.toBeNull();
    expect(forbiddenAddressReason('64:ff9b:1:7f00:0001::', NONE)).not.toBeNull();
    expect(forbiddenAddressReason('64:ff9b:1:7f00:0:100::', NONE)).not.toBeNull();
  });
});

describe('public addresses', () => {
  it.each(ALLOWED)('%s is allowed (canonical %s)', (host, canonical) => {
    expect(ipLiteralOf(host)).toBe(canonical);
    expect(forbiddenAddressReason(host, NONE)).toBeNull();
  });

  it.each(ALLOWED)('https://%s/hook is accepted without a DNS look-up', async (host) => {
    const resolve = neverResolve();
    await expect(checkWebhookUrl(`https://${host}/hook`, { allowedCidrs: [], resolve })).resolves.toEqual({ ok: true });
    expect(resolve).not.toHaveBeenCalled();
  });
});

describe('ipLiteralOf', () => {
  it.each(['example.com', 'hooks.example.com', 'localhost', 'a1.b2', '1.2.3.4.example.com', '0x7f.example', 'xn--bcher-kva.ch', '127.0.0.1..'])(
    '%s is a name (null)',
    (host) => {
      expect(ipLiteralOf(host)).toBeNull();
    },
  );

  it.each(['[::1]', '::1', '[0::1]'])('%s is canonical ::1 with or without brackets', (host) => {
    expect(ipLiteralOf(host)).toBe('::1');
  });

  it.each(['256.1.1.1', '1.2.3.4.5', '08.1.1.1', '0x100.1.1.1', '4294967296', 'example.0x', '1.2.3.09', '[fe80::1%25eth0]', '[fe80::1%eth0]', 'fe80::1%eth0', '[not-an-ip]', '[::ffff:0177.0.0.1]', '[::ffff:127.1]', '[::1', '::1]'])(
    '%s looks like an IP but is not one: never a name, always refused as invalid',
    (host) => {
      const literal = ipLiteralOf(host);
      expect(literal).not.toBeNull();
      expect(forbiddenAddressReason(literal as string, NONE)).toBe('invalid');
      expect(forbiddenAddressReason(host, { allowedCidrs: ['0.0.0.0/0', '::/0'] })).toBe('invalid');
    },
  );

  it.each(['256.1.1.1', '1.2.3.4.5', '08.1.1.1', 'example.0x', '[fe80::1%25eth0]', '[not-an-ip]', '[::ffff:0177.0.0.1]'])(
    'https://%s/ is refused as an invalid URL without a DNS look-up',
    async (host) => {
      const resolve = neverResolve();
      await expect(checkWebhookUrl(`https://${host}/`, { allowedCidrs: [], resolve })).resolves.toEqual({ ok: false, reason: 'invalid-url' });
      expect(resolve).not.toHaveBeenCalled();
    },
  );

  it('does not mistake a name for an address in forbiddenAddressReason', () => {
    expect(forbiddenAddressReason('example.com', NONE)).toBe('invalid');
    expect(forbiddenAddressReason('', NONE)).toBe('invalid');
  });
});

describe('allowed CIDRs', () => {
  it('127.0.0.0/8 allows 127.0.0.1 in any notation and as IPv4-mapped IPv6, and nothing else', () => {
    for (const host of ['127.0.0.1', '127.1', '2130706433', '127.200.0.9', '[::ffff:127.0.0.1]', '::ffff:7f00:1']) {
      expect(forbiddenAddressReason(host, LOOPBACK_ALLOWED)).toBeNull();
    }
    expect(forbiddenAddressReason('10.0.0.1', LOOPBACK_ALLOWED)).toBe('private');
    expect(forbiddenAddressReason('169.254.169.254', LOOPBACK_ALLOWED)).toBe('metadata');
    expect(forbiddenAddressReason('::1', LOOPBACK_ALLOWED)).toBe('loopback');
    expect(forbiddenAddressReason('128.0.0.1', LOOPBACK_ALLOWED)).toBeNull(); // public anyway
  });

  it('does not extend an IPv4 allowance to NAT64, 6to4 or IPv4-compatible forms', () => {
    expect(forbiddenAddressReason('64:ff9b::7f00:1', LOOPBACK_ALLOWED)).toBe('loopback');
    expect(forbiddenAddressReason('2002:7f00:1::', LOOPBACK_ALLOWED)).toBe('loopback');
    expect(forbiddenAddressReason('::127.0.0.1', LOOPBACK_ALLOWED)).toBe('loopback');
  });

  it('accepts IPv6 CIDRs and bare addresses (the test setup lists 127.0.0.0/8,::1/128)', () => {
    const policy = { allowedCidrs: ['127.0.0.0/8', '::1/128', 'fd00::/8', '10.1.2.3'] };
    expect(forbiddenAddressReason('::1', policy)).toBeNull();
    expect(forbiddenAddressReason('[fd12::1]', policy)).toBeNull();
    expect(forbiddenAddressReason('fc00::1', policy)).toBe('private');
    expect(forbiddenAddressReason('10.1.2.3', policy)).toBeNull();
    expect(forbiddenAddressReason('10.1.2.4', policy)).toBe('private');
  });

  it('an IPv6 CIDR over the mapped range allows the plain IPv4 address too', () => {
    expect(forbiddenAddressReason('127.0.0.1', { allowedCidrs: ['::ffff:127.0.0.0/104'] })).toBeNull();
    expect(forbiddenAddressReason('10.0.0.1', { allowedCidrs: ['::ffff:127.0.0.0/104'] })).toBe('private');
  });

  it('ignores invalid entries, which allow nothing', () => {
    const policy = { allowedCidrs: ['not-a-cidr', '127.0.0.0/33', '', 'example.com/8'] };
    expect(forbiddenAddressReason('127.0.0.1', policy)).toBe('loopback');
    expect(isValidCidr('127.0.0.0/8')).toBe(true);
    expect(isValidCidr('::1/128')).toBe(true);
    expect(isValidCidr('10.0.0.1')).toBe(true);
    expect(isValidCidr('127.0.0.0/33')).toBe(false);
    expect(isValidCidr('::/129')).toBe(false);
    expect(isValidCidr('not-a-cidr')).toBe(false);
    expect(isValidCidr('10.0.0.0/x')).toBe(false);
  });

  it('isInAllowedCidrs answers only for listed networks, not for public addresses', () => {
    expect(isInAllowedCidrs('127.0.0.1', LOOPBACK_ALLOWED)).toBe(true);
    expect(isInAllowedCidrs('::ffff:127.0.0.1', LOOPBACK_ALLOWED)).toBe(true);
    expect(isInAllowedCidrs('8.8.8.8', LOOPBACK_ALLOWED)).toBe(false);
    expect(isInAllowedCidrs('127.0.0.1', NONE)).toBe(false);
    expect(isInAllowedCidrs('example.com', LOOPBACK_ALLOWED)).toBe(false);
  });
});

describe('checkWebhookUrl', () => {
  it('accepts https to a name resolving to public addresses, asking the resolver for the host only', async () => {
    const resolve = resolverReturning(['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946']);
    await expect(checkWebhookUrl('https://Hooks.Example.COM:8443/path?q=1#f', { allowedCidrs: [], resolve })).resolves.toEqual({ ok: true });
    expect(resolve).toHaveBeenCalledTimes(1);
    expect(resolve).toHaveBeenCalledWith('hooks.example.com');
  });

  it.each<[string[], string]>([
    [['93.184.216.34', '10.0.0.1'], 'private'],
    [['10.0.0.1', '93.184.216.34'], 'private'],
    [['8.8.8.8', '::1'], 'loopback'],
    [['8.8.8.8', '169.254.169.254'], 'metadata'],
    [['2606:4700:4700::1111', '::ffff:127.0.0.1'], 'loopback'],
    [['8.8.8.8', 'fd00:ec2::254'], 'metadata'],
    [['8.8.8.8', 'not-an-address'], 'invalid'],
  ])('refuses a name whose answers include a forbidden address (DNS rebinding): %j', async (answers, reason) => {
    const resolve = resolverReturning(answers);
    await expect(checkWebhookUrl('https://rebind.example.net/hook', { allowedCidrs: [], resolve })).resolves.toEqual({ ok: false, reason });
    expect(resolve).toHaveBeenCalledWith('rebind.example.net');
  });

  it('refuses plain http to a public address', async () => {
    const resolve = resolverReturning(['93.184.216.34']);
    await expect(checkWebhookUrl('http://hooks.example.com/hook', { allowedCidrs: ['127.0.0.0/8'], resolve })).resolves.toEqual({
      ok: false,
      reason: 'http-not-allowed',
    });
    await expect(checkWebhookUrl('http://8.8.8.8/hook', { allowedCidrs: ['127.0.0.0/8'], resolve })).resolves.toEqual({
      ok: false,
      reason: 'http-not-allowed',
    });
  });

  it('accepts plain http only when every resolved address is in allowedCidrs', async () => {
    const policy = { allowedCidrs: ['127.0.0.0/8', '::1/128'] };
    await expect(checkWebhookUrl('http://localhost:8080/hook', { ...policy, resolve: resolverReturning(['127.0.0.1', '::1']) })).resolves.toEqual({ ok: true });
    await expect(
      checkWebhookUrl('http://localhost:8080/hook', { allowedCidrs: ['127.0.0.0/8'], resolve: resolverReturning(['127.0.0.1', '::1']) }),
    ).resolves.toEqual({ ok: false, reason: 'loopback' });
    await expect(
      checkWebhookUrl('http://mixed.example.com/hook', { ...policy, resolve: resolverReturning(['127.0.0.1', '8.8.8.8']) }),
    ).resolves.toEqual({ ok: false, reason: 'http-not-allowed' });
  });

  it('checks IP-literal hosts without calling the resolver (allowed network, http and https)', async () => {
    const resolve = neverResolve();
    const policy = { allowedCidrs: ['127.0.0.0/8', '::1/128'], resolve };
    await expect(checkWebhookUrl('http://127.0.0.1:4000/hook', policy)).resolves.toEqual({ ok: true });
    await expect(checkWebhookUrl('https://127.0.0.1:4000/hook', policy)).resolves.toEqual({ ok: true });
    await expect(checkWebhookUrl('http://[::1]:4000/hook', policy)).resolves.toEqual({ ok: true });
    await expect(checkWebhookUrl('http://0x7f.1:4000/hook', policy)).resolves.toEqual({ ok: true });
    await expect(checkWebhookUrl('http://10.0.0.1/hook', policy)).resolves.toEqual({ ok: false, reason: 'private' });
    expect(resolve).not.toHaveBeenCalled();
  });

  it.each([
    'https://user:pass@hooks.example.com/hook',
    'https://user@hooks.example.com/hook',
    'https://:pass@hooks.example.com/hook',
    'http://user:pass@127.0.0.1/hook',
  ])('refuses credentials in the URL: %s', async (url) => {
    const resolve = resolverReturning(['93.184.216.34']);
    await expect(checkWebhookUrl(url, { allowedCidrs: ['127.0.0.0/8'], resolve })).resolves.toEqual({ ok: false, reason: 'credentials-in-url' });
    expect(resolve).not.toHaveBeenCalled();
  });

  it.each([
    'ftp://hooks.example.com/hook',
    'file:///etc/passwd',
    'gopher://hooks.example.com:70/_x',
    'ws://hooks.example.com/hook',
    'wss://hooks.example.com/hook',
    'javascript:alert(1)',
    'data:text/plain,hello',
    'dict://127.0.0.1:11211/stat',
  ])('refuses the non-http(s) scheme of %s', async (url) => {
    const resolve = resolverReturning(['93.184.216.34']);
    await expect(checkWebhookUrl(url, { allowedCidrs: [], resolve })).resolves.toEqual({ ok: false, reason: 'scheme-not-allowed' });
    expect(resolve).not.toHaveBeenCalled();
  });

  it.each(['', 'not a url', 'https://', 'hooks.example.com/hook', 'https://exa mple.com/'])('refuses the invalid URL %j', async (url) => {
    const resolve = resolverReturning(['93.184.216.34']);
    await expect(checkWebhookUrl(url, { allowedCidrs: [], resolve })).resolves.toEqual({ ok: false, reason: 'invalid-url' });
    expect(resolve).not.toHaveBeenCalled();
  });

  it('refuses a host that does not resolve or resolves to nothing', async () => {
    const failing = jest.fn(async (): Promise<string[]> => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.invalid'), { code: 'ENOTFOUND' });
    });
    await expect(checkWebhookUrl('https://nowhere.invalid/hook', { allowedCidrs: [], resolve: failing })).resolves.toEqual({
      ok: false,
      reason: 'unresolvable-host',
    });
    expect(failing).toHaveBeenCalledWith('nowhere.invalid');
    await expect(checkWebhookUrl('https://empty.example.com/hook', { allowedCidrs: [], resolve: resolverReturning([]) })).resolves.toEqual({
      ok: false,
      reason: 'unresolvable-host',
    });
  });

  it('allowed CIDRs override for names too', async () => {
    const resolve = resolverReturning(['10.20.30.40']);
    await expect(checkWebhookUrl('https://internal.corp.example/hook', { allowedCidrs: [], resolve })).resolves.toEqual({ ok: false, reason: 'private' });
    await expect(checkWebhookUrl('https://internal.corp.example/hook', { allowedCidrs: ['10.0.0.0/8'], resolve })).resolves.toEqual({ ok: true });
  });
});
