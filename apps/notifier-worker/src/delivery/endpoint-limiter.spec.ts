import { EndpointLimiter, MAX_SLOT_WAIT_MS } from './endpoint-limiter';

describe('EndpointLimiter', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('grants up to the limit per endpoint, independently for each endpoint', async () => {
    const limiter = new EndpointLimiter(2);
    expect(await limiter.acquire('a')).toBe(true);
    expect(await limiter.acquire('a')).toBe(true);
    expect(await limiter.acquire('b')).toBe(true);
    expect(limiter.inFlight('a')).toBe(2);
    expect(limiter.inFlight('b')).toBe(1);
  });

  it('hands a released slot straight to a waiter', async () => {
    const limiter = new EndpointLimiter(1);
    await limiter.acquire('a');
    const waiting = limiter.acquire('a');
    limiter.release('a', 5);
    await expect(waiting).resolves.toBe(true);
    expect(limiter.inFlight('a')).toBe(1);
  });

  it('gives up waiting after MAX_SLOT_WAIT_MS', async () => {
    const limiter = new EndpointLimiter(1);
    await limiter.acquire('a');
    const waiting = limiter.acquire('a');
    jest.advanceTimersByTime(MAX_SLOT_WAIT_MS);
    await expect(waiting).resolves.toBe(false);
    limiter.release('a');
    expect(limiter.inFlight('a')).toBe(0);
  });

  it('does not wait at all for an endpoint known to be slow, and defers it for about its latency', async () => {
    const limiter = new EndpointLimiter(1);
    await limiter.acquire('slow');
    limiter.release('slow', 3000);
    await limiter.acquire('slow');
    await expect(limiter.acquire('slow')).resolves.toBe(false);
    expect(limiter.deferMs('slow', () => 0)).toBe(3000);
    expect(limiter.deferMs('slow', () => 1)).toBe(6000);
    expect(limiter.deferMs('unknown', () => 0)).toBe(100);
  });
});
