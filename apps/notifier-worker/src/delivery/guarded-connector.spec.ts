import type { Socket } from 'node:net';
import { checkedAddress, ForbiddenAddressError, guardedConnector, UnresolvableHostError, type SocketConnector } from './guarded-connector';

const policy = { allowedCidrs: ['127.0.0.0/8'] };

/** A connector that records what it was asked to open and opens nothing. */
function recordingConnector(): { connect: SocketConnector; calls: Parameters<SocketConnector>[0][] } {
  const calls: Parameters<SocketConnector>[0][] = [];
  return { calls, connect: (options, callback) => (calls.push(options), callback(null, {} as Socket)) };
}

function connectThrough(connector: SocketConnector, options: Partial<Parameters<SocketConnector>[0]>): Promise<Error | null> {
  return new Promise((resolve) => connector({ hostname: 'x', protocol: 'http:', port: '80', ...options }, (...args) => resolve(args[0])));
}

describe('checkedAddress', () => {
  const resolverNeverCalled = jest.fn(async () => ['93.184.216.34']);

  it.each([
    ['169.254.169.254', 'metadata'],
    ['10.0.0.1', 'private'],
    ['::ffff:a00:1', 'private'],
    ['[::ffff:10.0.0.1]', 'private'],
    ['[fd00::1]', 'private'],
    ['0.0.0.0', 'unspecified'],
    ['100.64.0.1', 'cgnat'],
    ['224.0.0.1', 'multicast'],
    ['[::1]', 'loopback'],
    ['0177.0.0.1', 'loopback'],
  ])('refuses the literal %s (%s) without a look-up', async (host, reason) => {
    const error = await checkedAddress(host, { allowedCidrs: [] }, resolverNeverCalled).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(ForbiddenAddressError);
    expect((error as ForbiddenAddressError).reason).toBe(reason);
    expect(resolverNeverCalled).not.toHaveBeenCalled();
  });

  it('accepts a literal inside the allowed CIDRs and a public one', async () => {
    await expect(checkedAddress('127.0.0.1', policy, resolverNeverCalled)).resolves.toBe('127.0.0.1');
    await expect(checkedAddress('93.184.216.34', policy, resolverNeverCalled)).resolves.toBe('93.184.216.34');
  });

  it('resolves a name and refuses it when any of its addresses is forbidden', async () => {
    await expect(checkedAddress('a.test', policy, async () => ['93.184.216.34', '10.1.2.3'])).rejects.toMatchObject({ name: 'ForbiddenAddressError', address: '10.1.2.3', reason: 'private' });
  });

  it('returns the first address of a name whose addresses are all allowed', async () => {
    await expect(checkedAddress('a.test', policy, async () => ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'])).resolves.toBe('93.184.216.34');
  });

  it('fails a name that does not resolve, or resolves to nothing', async () => {
    await expect(checkedAddress('a.test', policy, async () => Promise.reject(new Error('ENOTFOUND')))).rejects.toBeInstanceOf(UnresolvableHostError);
    await expect(checkedAddress('a.test', policy, async () => [])).rejects.toBeInstanceOf(UnresolvableHostError);
  });
});

describe('guardedConnector', () => {
  it('never calls the socket factory for a forbidden literal or name', async () => {
    const { connect, calls } = recordingConnector();
    const connector = guardedConnector({ policy, resolve: async () => ['10.0.0.7'], connect });
    expect(await connectThrough(connector, { hostname: '169.254.169.254' })).toBeInstanceOf(ForbiddenAddressError);
    expect(await connectThrough(connector, { hostname: 'internal.test', protocol: 'https:', port: '443' })).toBeInstanceOf(ForbiddenAddressError);
    expect(calls).toEqual([]);
  });

  it('refuses plain http to a public address but lets https through', async () => {
    const { connect, calls } = recordingConnector();
    const connector = guardedConnector({ policy, resolve: async () => ['93.184.216.34'], connect });
    const refused = await connectThrough(connector, { hostname: 'public.test', protocol: 'http:' });
    expect(refused).toMatchObject({ name: 'ForbiddenAddressError', reason: 'plain http outside WEBHOOK_ALLOWED_CIDRS' });
    expect(calls).toEqual([]);
    expect(await connectThrough(connector, { hostname: 'public.test', protocol: 'https:', port: '443' })).toBeNull();
    expect(calls).toEqual([expect.objectContaining({ hostname: '93.184.216.34', servername: 'public.test', port: '443' })]);
  });

  it('connects to the checked address, never to the name again', async () => {
    const { connect, calls } = recordingConnector();
    const connector = guardedConnector({ policy, resolve: async () => ['127.0.0.1'], connect });
    expect(await connectThrough(connector, { hostname: 'receiver.test', port: '8080' })).toBeNull();
    expect(calls).toEqual([expect.objectContaining({ hostname: '127.0.0.1', port: '8080' })]);
  });

  it('checks again on every connection: a name that moved to a private address is refused the second time', async () => {
    const { connect, calls } = recordingConnector();
    const answers = [['127.0.0.1'], ['10.0.0.1']];
    const connector = guardedConnector({ policy, resolve: async () => answers.shift() ?? [], connect });
    expect(await connectThrough(connector, { hostname: 'moving.test' })).toBeNull();
    expect(await connectThrough(connector, { hostname: 'moving.test' })).toMatchObject({ address: '10.0.0.1', reason: 'private' });
    expect(calls).toHaveLength(1);
  });
});
