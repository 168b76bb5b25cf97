import { Settings } from '@concilia/config';
import { DomainError } from '@concilia/domain';
import { RESOLVE_TIMEOUT_MS, WebhookHostResolver, WebhookUrlPolicy } from './webhook-url.policy';

jest.mock('node:dns/promises', () => ({ lookup: jest.fn() }));
const { lookup } = require('node:dns/promises') as { lookup: jest.Mock };

function settings(overrides: Partial<Settings>): Settings {
  return Object.assign(new Settings(), overrides);
}

/** A resolver whose answers the test sets; it records what it was asked. */
class FakeResolver extends WebhookHostResolver {
  readonly asked: string[] = [];
  constructor(private readonly answer: (host: string) => Promise<string[]>) {
    super();
  }
  override resolve(host: string): Promise<string[]> {
    this.asked.push(host);
    return this.answer(host);
  }
}

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('WebhookHostResolver', () => {
  afterEach(() => {
    lookup.mockReset();
    jest.useRealTimers();
  });

  it('asks the system resolver for every address (A and AAAA) and returns them all', async () => {
    lookup.mockResolvedValue([
      { address: '93.184.215.14', family: 4 },
      { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
    ]);
    await expect(new WebhookHostResolver().resolve('hooks.example.com')).resolves.toEqual(['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c']);
    expect(lookup).toHaveBeenCalledWith('hooks.example.com', { all: true, verbatim: true });
  });

  it('fails when the name resolves to nothing or does not resolve', async () => {
    lookup.mockResolvedValueOnce([]);
    await expect(new WebhookHostResolver().resolve('empty.example')).rejects.toThrow('no addresses');
    lookup.mockRejectedValueOnce(Object.assign(new Error('getaddrinfo ENOTFOUND x.invalid'), { code: 'ENOTFOUND' }));
    await expect(new WebhookHostResolver().resolve('x.invalid')).rejects.toThrow('ENOTFOUND');
  });

  it(`gives up after ${RESOLVE_TIMEOUT_MS} ms when DNS does not answer`, async () => {
    jest.useFakeTimers();
    lookup.mockReturnValue(new Promise(() => undefined));
    const pending = new WebhookHostResolver().resolve('slow.example');
    const outcome = pending.then(
      () => 'resolved',
      (error: Error) => error.message,
    );
    await jest.advanceTimersByTimeAsync(RESOLVE_TIMEOUT_MS - 1);
    await jest.advanceTimersByTimeAsync(1);
    await expect(outcome).resolves.toBe('DNS did not answer in time');
  });
});

describe('WebhookUrlPolicy', () => {
  const publicResolver = () => new FakeResolver(async () => ['93.184.215.14']);

  it('accepts https to a public name and http into WEBHOOK_ALLOWED_CIDRS outside production', async () => {
    const resolver = publicResolver();
    const policy = new WebhookUrlPolicy(settings({ NODE_ENV: 'development', WEBHOOK_ALLOWED_CIDRS: ['127.0.0.0/8'] }), resolver);
    await expect(policy.assertAllowed('https://hooks.example.com/x')).resolves.toBeUndefined();
    await expect(policy.assertAllowed('http://127.0.0.1:8080/x')).resolves.toBeUndefined();
    expect(resolver.asked).toEqual(['hooks.example.com']);
  });

  it('never allows plain http in production, even into WEBHOOK_ALLOWED_CIDRS, and asks no resolver', async () => {
    const resolver = publicResolver();
    const policy = new WebhookUrlPolicy(settings({ NODE_ENV: 'production', WEBHOOK_ALLOWED_CIDRS: ['127.0.0.0/8'] }), resolver);
    const error = await refusal(policy.assertAllowed('http://127.0.0.1:8080/x'));
    expect(error.code).toBe('webhook_url_forbidden');
    expect(error.details).toEqual({ reason: 'http-not-allowed' });
    await expect(policy.assertAllowed('https://hooks.example.com/x')).resolves.toBeUndefined();
    expect(resolver.asked).toEqual(['hooks.example.com']);
  });

  it('turns a resolver failure into 422 unresolvable-host, never an error a 5xx would come from', async () => {
    const failing = new FakeResolver(async () => {
      throw Object.assign(new Error('getaddrinfo EAI_AGAIN hooks.example.com'), { code: 'EAI_AGAIN' });
    });
    const error = await refusal(new WebhookUrlPolicy(settings({}), failing).assertAllowed('https://hooks.example.com/x'));
    expect(error.code).toBe('webhook_url_forbidden');
    expect(error.details).toEqual({ reason: 'unresolvable-host' });
    expect(error.errors).toEqual([{ field: 'url', code: 'webhook_url_forbidden', message: 'the host name does not resolve' }]);
    expect(error.message).not.toContain('EAI_AGAIN');
  });

  it('names the reason of a forbidden address without the addresses the name resolved to', async () => {
    const internal = new FakeResolver(async () => ['10.20.30.40']);
    const error = await refusal(new WebhookUrlPolicy(settings({}), internal).assertAllowed('https://intranet.example.com/x'));
    expect(error.details).toEqual({ reason: 'private' });
    expect(error.message).toContain('private');
    expect(JSON.stringify({ message: error.message, errors: error.errors })).not.toContain('10.20.30.40');
  });

  it('refuses a string that is not an absolute URL as validation_failed on the given field', async () => {
    const error = await refusal(new WebhookUrlPolicy(settings({}), publicResolver()).assertAllowed('/relative/path', 'url'));
    expect(error.code).toBe('validation_failed');
    expect(error.errors).toEqual([{ field: 'url', code: 'validation_failed', message: 'must be an absolute URL' }]);
  });
});
