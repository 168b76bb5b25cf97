import net from 'node:net';
import tls from 'node:tls';
import { startNotifier, type NotifierHarness } from '../testing/notifier.harness';
import { WebhookReceiver } from '../testing/webhook-receiver';


/**
 * The SSRF rule at connection time. Endpoint URLs are written with SQL (bypassing the API's
 * save-time check, as if DNS changed or a row was tampered with); names resolve through a
 * stubbed resolver. No traffic is ever sent to a forbidden address: the test asserts that the
 * socket factory, net.connect and tls.connect were never asked for one.
 * WEBHOOK_ALLOWED_CIDRS=127.0.0.0/8,::1/128 (the test setup) lets the loopback receiver through.
 */
describe('notifier-worker: SSRF guard on every connection (e2e)', () => {
  let n: NotifierHarness;
  let netConnect: jest.SpiedFunction<typeof net.connect>;
  let tlsConnect: jest.SpiedFunction<typeof tls.connect>;
  let hook: WebhookReceiver;
  const tenants: string[] = [];

  beforeAll(async () => {
    n = await startNotifier();
    hook = await WebhookReceiver.start();
    netConnect = jest.spyOn(net, 'connect');
    tlsConnect = jest.spyOn(tls, 'connect');
  });

  afterAll(async () => {
    netConnect.mockRestore();
    tlsConnect.mockRestore();
    if (tenants.length > 0) await n.db.query(`UPDATE webhook_endpoints SET enabled = false WHERE tenant_id = ANY($1::uuid[])`, [tenants]);
    await hook.close();
    await n.close();
  });

  /** Every host any socket was opened to, by the notifier's connector or by anything calling net/tls.connect. */
  function hostsConnected(): string[] {
    const fromSpies = [...netConnect.mock.calls, ...tlsConnect.mock.calls].map((call) => {
      const [first] = call as unknown[];
      return typeof first === 'object' && first !== null ? String((first as { host?: unknown }).host ?? '') : String(call[1] ?? '');
    });
    return [...n.connections.hosts, ...fromSpies];
  }

  async function firstAttempt(url: string): Promise<{ status_code: number | null; error: string | null; duration_ms: number }> {
    const tenantId = await n.seedTenant();
    tenants.push(tenantId);
    const endpoint = await n.seedEndpoint(tenantId, url);
    const eventId = await n.emit(tenantId, 'reconciliation.completed');
    const delivery = await n.waitForDelivery(eventId, endpoint.id, ['PENDING', 'FAILED', 'SUCCEEDED'], 10_000, 1);
    const [attempt] = await n.attempts(delivery.id);
    return attempt;
  }

  it.each([
    ['cloud metadata', 'http://169.254.169.254/latest/meta-data/', '169.254.169.254', /forbidden \((metadata|link-local)\)/],
    ['IPv4-mapped IPv6 of a private address', 'http://[::ffff:10.0.0.1]/hooks', '::ffff:a00:1', /forbidden \(private\)/],
    ['a private address in decimal notation', 'http://167772161/hooks', '10.0.0.1', /forbidden \(private\)/],
    ['a private address in hex and short form', 'http://0xa.1/hooks', '10.0.0.1', /forbidden \(private\)/],
    ['an IPv6 unique-local address', 'http://[fd00::1]:8080/hooks', 'fd00::1', /forbidden \(private\)/],
    ['NAT64 of a private address', 'http://[64:ff9b::a00:1]/hooks', '64:ff9b::a00:1', /forbidden \(private\)/],
    ['the unspecified address', 'http://0.0.0.0:9/hooks', '0.0.0.0', /forbidden \(unspecified\)/],
    ['a CGNAT address over https', 'https://100.64.0.1/hooks', '100.64.0.1', /forbidden \(cgnat\)/],
  ])('refuses %s before connecting (%s)', async (_what, url, address, reason) => {
    const attempt = await firstAttempt(url);
    expect(attempt.status_code).toBeNull();
    expect(attempt.error).toMatch(/^ssrf guard: address .+ is forbidden/);
    expect(attempt.error).toMatch(reason);
    expect(attempt.error).toContain('no connection made');
    expect(hostsConnected()).not.toContain(address);
    expect(hostsConnected().some((host) => host.includes(address) || host.includes(new URL(url).hostname.replace(/^\[|\]$/g, '')))).toBe(false);
  });

  it('refuses a name that resolves to a private address, before connecting', async () => {
    n.dns.set('internal.example.test', ['10.0.0.1']);
    const attempt = await firstAttempt('https://internal.example.test/hooks');
    expect(attempt).toMatchObject({ status_code: null });
    // The private address itself is not revealed to the tenant.
    expect(attempt.error).toBe('ssrf guard: internal.example.test resolves to a forbidden address (private); no connection made');
    expect(hostsConnected()).not.toContain('10.0.0.1');
    expect(hostsConnected()).not.toContain('internal.example.test');
  });

  it('refuses a name when any one of its addresses is forbidden, even if another is allowed', async () => {
    n.dns.set('mixed.example.test', ['127.0.0.1', '169.254.169.254']);
    const before = hook.requests.length;
    const attempt = await firstAttempt(`http://mixed.example.test:${hook.port}/hooks`);
    expect(attempt.error).toMatch(/^ssrf guard: mixed\.example\.test resolves to a forbidden address \((metadata|link-local)\)/);
    expect(hostsConnected()).not.toContain('169.254.169.254');
    expect(hook.requests).toHaveLength(before);
  });

  it('re-checks a name at connection time: a host that now resolves to a private address is refused', async () => {
    // Saved while it pointed at an allowed address; DNS has moved it since.
    n.dns.set('moved.example.test', ['192.168.1.20']);
    const attempt = await firstAttempt(`http://moved.example.test:${hook.port}/hooks`);
    expect(attempt.error).toBe('ssrf guard: moved.example.test resolves to a forbidden address (private); no connection made');
    expect(hostsConnected()).not.toContain('192.168.1.20');
  });

  it('refuses plain http to a public address (http only inside WEBHOOK_ALLOWED_CIDRS), before connecting', async () => {
    n.dns.set('public.example.test', ['93.184.216.34']);
    const attempt = await firstAttempt('http://public.example.test/hooks');
    expect(attempt.error).toBe('ssrf guard: public.example.test resolves to a forbidden address (plain http outside WEBHOOK_ALLOWED_CIDRS); no connection made');
    expect(hostsConnected()).not.toContain('93.184.216.34');
  });

  it('records a name that does not resolve as a failed attempt, without connecting', async () => {
    const attempt = await firstAttempt('https://nowhere.example.test/hooks');
    expect(attempt).toMatchObject({ status_code: null });
    expect(attempt.error).toMatch(/could not resolve nowhere\.example\.test/);
    expect(hostsConnected()).not.toContain('nowhere.example.test');
  });

  it('connects to the checked address of an allowed name, keeping the name in the Host header', async () => {
    n.dns.set('receiver.example.test', ['127.0.0.1']);
    const before = hook.requests.length;
    const attempt = await firstAttempt(`http://receiver.example.test:${hook.port}/hooks`);
    expect(attempt).toMatchObject({ status_code: 200, error: null });
    expect(hook.requests).toHaveLength(before + 1);
    expect(hook.requests[before].headers['host']).toBe(`receiver.example.test:${hook.port}`);
    // The socket went to the address that was checked, not to a second look-up of the name.
    expect(n.connections.hosts).toContain('127.0.0.1');
    expect(n.connections.hosts).not.toContain('receiver.example.test');
    expect(netConnect.mock.calls.some(([options]) => typeof options === 'object' && (options as net.TcpNetConnectOpts).host === '127.0.0.1' && Number((options as net.TcpNetConnectOpts).port) === hook.port)).toBe(true);
  });
});
