import net = require('node:net');
import dns = require('node:dns');
import dnsPromises = require('node:dns/promises');
import { startIngestApi, type IngestApiHarness } from '../testing/ingest-api.harness';
import { WebhookHostResolver } from './webhook-url.policy';
import { expectProblem } from '@concilia/testing';

/**
 * The save-time URL rule (RELIABILITY.md, Security) through the API. The resolver is stubbed: no
 * test asks real DNS, and every socket the process opens meanwhile is recorded to show that saving
 * a URL never connects to it.
 */

const UNLIMITED = { API_RATE_LIMIT_PER_SECOND: '1000000' };
const PUBLIC_V4 = '93.184.215.14';
const PUBLIC_V6 = '2606:2800:21f:cb07:6820:80da:af6b:8b2c';

/** What the stub answers for each test name; names not listed do not resolve. */
const DNS: Record<string, string[]> = {
  'public.test': [PUBLIC_V4, PUBLIC_V6],
  'localhost.test': ['127.0.0.1'],
  'dual-loopback.test': ['127.0.0.1', '::1'],
  'v6-loopback.test': ['::1'],
  'internal.test': ['10.1.2.3'],
  'mixed.test': [PUBLIC_V4, '10.0.0.7'],
  'mapped.test': ['::ffff:10.0.0.1'],
  'nat64.test': ['64:ff9b::a00:1'],
  'metadata.test': ['169.254.169.254'],
  'ula.test': ['fd12:3456::1'],
  'cgnat.test': ['100.64.1.1'],
  'cidr.test': ['198.51.100.20'],
  'partly-cidr.test': ['198.51.100.20', PUBLIC_V4],
  'empty.test': [],
};

/** host:port of a Socket#connect call, whatever form its arguments take. */
function targetOf(args: unknown[]): string {
  let first = args[0];
  if (Array.isArray(first)) first = first[0];
  if (first !== null && typeof first === 'object') {
    const options = first as { host?: string; port?: number | string; path?: string };
    return options.path ? `unix:${options.path}` : `${options.host ?? 'localhost'}:${options.port}`;
  }
  return `${typeof args[1] === 'string' ? args[1] : 'localhost'}:${String(first)}`;
}

describe('webhook URL rules (e2e)', () => {
  /** WEBHOOK_ALLOWED_CIDRS=127.0.0.0/8, as in local development and the tests of the notifier. */
  let loopbackAllowed: IngestApiHarness;
  /** WEBHOOK_ALLOWED_CIDRS=198.51.100.0/24: loopback is refused in every notation; http into that network is allowed. */
  let strict: IngestApiHarness;
  const resolved: string[] = [];
  const connects: string[] = [];
  const realLookups: string[] = [];
  let infrastructurePorts: Set<string>;

  function stubResolver(h: IngestApiHarness): void {
    jest.spyOn(h.app.get(WebhookHostResolver), 'resolve').mockImplementation(async (host: string) => {
      resolved.push(host);
      const addresses = DNS[host];
      if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND', hostname: host });
      return addresses;
    });
  }

  beforeAll(async () => {
    loopbackAllowed = await startIngestApi({ ...UNLIMITED, WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8' });
    strict = await startIngestApi({ ...UNLIMITED, WEBHOOK_ALLOWED_CIDRS: '198.51.100.0/24' });
    stubResolver(loopbackAllowed);
    stubResolver(strict);
    infrastructurePorts = new Set([new URL(strict.settings.DATABASE_URL).port || '5432', new URL(strict.settings.REDIS_URL).port || '6379']);
    const realConnect = net.Socket.prototype.connect;
    jest.spyOn(net.Socket.prototype, 'connect').mockImplementation(function (this: net.Socket, ...args: unknown[]) {
      connects.push(targetOf(args));
      return (realConnect as (...a: unknown[]) => net.Socket).apply(this, args);
    });
    const realLookup = dnsPromises.lookup;
    jest.spyOn(dnsPromises, 'lookup').mockImplementation(((host: string, ...rest: unknown[]) => {
      realLookups.push(host);
      return (realLookup as (...a: unknown[]) => unknown)(host, ...rest);
    }) as typeof dnsPromises.lookup);
    const realCallbackLookup = dns.lookup;
    jest.spyOn(dns, 'lookup').mockImplementation(((host: string, ...rest: unknown[]) => {
      realLookups.push(host);
      return (realCallbackLookup as (...a: unknown[]) => unknown)(host, ...rest);
    }) as typeof dns.lookup);
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await strict?.close();
    await loopbackAllowed?.close();
  });

  beforeEach(() => {
    resolved.length = 0;
    connects.length = 0;
    realLookups.length = 0;
  });

  afterEach(() => {
    // Nothing but Postgres and Redis was connected to, and real DNS was never asked about a test name.
    expect(connects.filter((target) => !target.startsWith('unix:') && !infrastructurePorts.has(target.split(':').pop() ?? ''))).toEqual([]);
    expect(realLookups.filter((host) => host.endsWith('.test') || host.endsWith('.invalid'))).toEqual([]);
  });

  async function refused(h: IngestApiHarness, url: string, reason: string): Promise<void> {
    const tenant = await h.api.createTenant();
    const before = await h.db.snapshot();
    const response = await h.api.post('/v1/webhook-endpoints', { url, events: ['reconciliation.completed'] }, tenant.key);
    const problem = expectProblem(response, 422, 'webhook_url_forbidden');
    expect(problem.reason).toBe(reason);
    expect(problem.detail).toContain(reason);
    expect(problem.errors).toEqual([{ field: 'url', code: 'webhook_url_forbidden', message: expect.any(String) }]);
    expect(await h.db.count('webhook_endpoints', 'tenant_id = $1', [tenant.tenantId])).toBe(0);
    expect(await h.db.snapshot()).toEqual(before);
  }

  async function accepted(h: IngestApiHarness, url: string): Promise<void> {
    const tenant = await h.api.createTenant();
    const response = await h.api.post('/v1/webhook-endpoints', { url, events: ['reconciliation.completed'] }, tenant.key);
    expect({ status: response.statusCode, body: response.body }).toEqual({ status: 201, body: expect.any(String) });
    expect(response.json()).toMatchObject({ url, enabled: true, secret: expect.stringMatching(/^whsec_/) });
    expect(await h.db.count('webhook_endpoints', 'tenant_id = $1', [tenant.tenantId])).toBe(1);
  }

  describe('IP literals in any notation are refused without asking DNS', () => {
    it.each([
      ['https://127.0.0.1/hook', 'loopback'],
      ['https://2130706433/hook', 'loopback'],
      ['https://0177.0.0.1/hook', 'loopback'],
      ['https://0x7f.1/hook', 'loopback'],
      ['https://127.1/hook', 'loopback'],
      ['https://127.0.0.1./hook', 'loopback'],
      ['https://[::1]/hook', 'loopback'],
      ['https://[::ffff:127.0.0.1]/hook', 'loopback'],
      ['https://[::ffff:7f00:1]/hook', 'loopback'],
      ['https://[64:ff9b::127.0.0.1]/hook', 'loopback'],
      ['https://[64:ff9b::a00:1]/hook', 'private'],
      ['https://10.0.0.1/hook', 'private'],
      ['https://172.16.5.4/hook', 'private'],
      ['https://192.168.0.1/hook', 'private'],
      ['https://[fd00::1]/hook', 'private'],
      ['https://169.254.169.254/latest/meta-data/', 'metadata'],
      ['https://0xa9fea9fe/latest/meta-data/', 'metadata'],
      ['https://[::ffff:169.254.169.254]/latest/meta-data/', 'metadata'],
      ['https://[64:ff9b::a9fe:a9fe]/latest/meta-data/', 'metadata'],
      ['https://[fd00:ec2::254]/latest/meta-data/', 'metadata'],
      ['https://169.254.10.1/hook', 'link-local'],
      ['https://[fe80::1]/hook', 'link-local'],
      ['https://100.64.0.1/hook', 'cgnat'],
      ['https://224.0.0.1/hook', 'multicast'],
      ['https://[ff02::1]/hook', 'multicast'],
      ['https://0.0.0.0/hook', 'unspecified'],
      ['https://[::]/hook', 'unspecified'],
      ['https://255.255.255.255/hook', 'broadcast'],
      ['https://240.0.0.1/hook', 'reserved'],
    ])('%s → 422 (%s)', async (url, reason) => {
      await refused(strict, url, reason);
      expect(resolved).toEqual([]);
    });
  });

  describe('names are judged by every address they resolve to', () => {
    it.each([
      ['https://localhost.test/hook', 'loopback'],
      ['https://v6-loopback.test/hook', 'loopback'],
      ['https://internal.test/hook', 'private'],
      ['https://mixed.test/hook', 'private'],
      ['https://mapped.test/hook', 'private'],
      ['https://nat64.test/hook', 'private'],
      ['https://ula.test/hook', 'private'],
      ['https://metadata.test/latest/meta-data/', 'metadata'],
      ['https://cgnat.test/hook', 'cgnat'],
    ])('%s → 422 (%s)', async (url, reason) => {
      await refused(strict, url, reason);
      expect(resolved).toEqual([new URL(url).hostname]);
    });

    it('refuses a name that does not resolve with 422 unresolvable-host (never a 5xx)', async () => {
      await refused(strict, 'https://nowhere.invalid/hook', 'unresolvable-host');
      await refused(strict, 'https://empty.test/hook', 'unresolvable-host');
      expect(resolved).toEqual(['nowhere.invalid', 'empty.test']);
    });

    it('accepts https to a name that resolves to public addresses only', async () => {
      await accepted(strict, 'https://public.test/hooks/concilia?source=concilia');
      expect(resolved).toEqual(['public.test']);
    });

    it('accepts https to a public IP literal without asking DNS', async () => {
      await accepted(strict, `https://${PUBLIC_V4}/hook`);
      await accepted(strict, `https://[${PUBLIC_V6}]:8443/hook`);
      expect(resolved).toEqual([]);
    });
  });

  describe('scheme and credentials', () => {
    it('refuses plain http to a public address (422 http-not-allowed)', async () => {
      await refused(strict, 'http://public.test/hook', 'http-not-allowed');
      await refused(strict, `http://${PUBLIC_V4}/hook`, 'http-not-allowed');
    });

    it('refuses other schemes and URLs with credentials', async () => {
      await refused(strict, 'ftp://public.test/hook', 'scheme-not-allowed');
      await refused(strict, 'file:///etc/passwd', 'scheme-not-allowed');
      await refused(strict, 'https://user:secret@public.test/hook', 'credentials-in-url');
      await refused(strict, 'https://user@public.test/hook', 'credentials-in-url');
    });
  });

  describe('WEBHOOK_ALLOWED_CIDRS', () => {
    it('allows http and https into a listed network, by literal or by name', async () => {
      await accepted(strict, 'http://198.51.100.7:8080/hook');
      await accepted(strict, 'http://cidr.test/hook');
      await accepted(strict, 'https://cidr.test/hook');
    });

    it('refuses http when only some of the addresses are in the list', async () => {
      await refused(strict, 'http://partly-cidr.test/hook', 'http-not-allowed');
    });

    it('with 127.0.0.0/8 listed, accepts http to loopback IPv4 (literal, other notations, or a name resolving there)', async () => {
      await accepted(loopbackAllowed, 'http://127.0.0.1:8080/hook');
      await accepted(loopbackAllowed, 'http://2130706433:8080/hook');
      await accepted(loopbackAllowed, 'http://localhost.test:8080/hook');
    });

    it('with 127.0.0.0/8 listed, still refuses ::1, names that also resolve to ::1, and private networks', async () => {
      await refused(loopbackAllowed, 'http://[::1]:8080/hook', 'loopback');
      await refused(loopbackAllowed, 'http://dual-loopback.test:8080/hook', 'loopback');
      await refused(loopbackAllowed, 'https://10.0.0.1/hook', 'private');
      await refused(loopbackAllowed, 'http://198.51.100.7/hook', 'reserved');
    });
  });

  it('re-checks the URL on PATCH with the same rules', async () => {
    const tenant = await strict.api.createTenant();
    const created = (await strict.api.post('/v1/webhook-endpoints', { url: 'https://public.test/a', events: ['account.blocked'] }, tenant.key)).json();
    expect(created.id).toBeDefined();
    const refusedPatch = await strict.api.patch(`/v1/webhook-endpoints/${created.id}`, { url: 'https://[::ffff:127.0.0.1]/b' }, tenant.key);
    expect(expectProblem(refusedPatch, 422, 'webhook_url_forbidden').reason).toBe('loopback');
    const okPatch = await strict.api.patch(`/v1/webhook-endpoints/${created.id}`, { url: 'https://public.test/b' }, tenant.key);
    expect(okPatch.statusCode).toBe(200);
    expect(okPatch.json().url).toBe('https://public.test/b');
  });
});
