import { createHmac } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { serializeEnvelope } from './events';
import { generateWebhookSecret } from './secrets';
import { signWebhook, verifyWebhook } from './signing';

const EVENT_ID = '0b7e6a52-3c1f-4a8e-9d36-5f1f0c2a9e11';
const nowSeconds = () => Math.floor(Date.now() / 1000);

function body(): string {
  return serializeEnvelope({
    id: EVENT_ID,
    type: 'reconciliation.completed',
    createdAt: '2025-01-02T03:04:05.000Z',
    data: { reconciliationId: 'r-1', status: 'COMPLETED', summary: { matched: 3, unmatched: 0 }, note: 'café ✓' },
  });
}

/** What a receiver computes by hand: base64 HMAC-SHA256 of "{id}.{timestamp}.{body}" with the decoded secret. */
function expectedSignature(secret: string, id: string, timestamp: number, payload: string): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return createHmac('sha256', key).update(`${id}.${timestamp}.${payload}`, 'utf8').digest('base64');
}

describe('signWebhook', () => {
  it('produces the three Standard Webhooks headers with a v1 HMAC-SHA256 signature', () => {
    const secret = generateWebhookSecret();
    const ts = nowSeconds();
    const payload = body();
    const headers = signWebhook(EVENT_ID, ts, payload, [secret]);
    expect(headers).toEqual({
      'webhook-id': EVENT_ID,
      'webhook-timestamp': String(ts),
      'webhook-signature': `v1,${expectedSignature(secret, EVENT_ID, ts, payload)}`,
    });
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  });

  it('verifies with verifyWebhook and with standardwebhooks the way a receiver does (string or raw bytes)', () => {
    const secret = generateWebhookSecret();
    const payload = body();
    const headers = signWebhook(EVENT_ID, nowSeconds(), payload, [secret]);
    const parsed = JSON.parse(payload);
    expect(verifyWebhook(payload, { ...headers }, secret)).toEqual(parsed);
    expect(new Webhook(secret).verify(payload, { ...headers })).toEqual(parsed);
    expect(new Webhook(secret).verify(Buffer.from(payload, 'utf8'), { ...headers })).toEqual(parsed);
    // Receivers see header names in any case.
    const upper = { 'Webhook-Id': headers['webhook-id'], 'Webhook-Timestamp': headers['webhook-timestamp'], 'Webhook-Signature': headers['webhook-signature'] };
    expect(new Webhook(secret).verify(payload, upper)).toEqual(parsed);
    // SignedHeaders as they are, and Node's IncomingHttpHeaders shape, are accepted as well.
    expect(verifyWebhook(payload, headers, secret)).toEqual(parsed);
    const incoming: Record<string, string | string[] | undefined> = { ...headers, 'content-type': 'application/json', 'x-none': undefined };
    expect(verifyWebhook(Buffer.from(payload), incoming, secret)).toEqual(parsed);
  });

  it('with two secrets sends both signatures, and each secret alone verifies the header', () => {
    const current = generateWebhookSecret();
    const previous = generateWebhookSecret();
    const ts = nowSeconds();
    const payload = body();
    const headers = signWebhook(EVENT_ID, ts, payload, [current, previous]);
    expect(headers['webhook-signature']).toBe(
      `v1,${expectedSignature(current, EVENT_ID, ts, payload)} v1,${expectedSignature(previous, EVENT_ID, ts, payload)}`,
    );
    for (const secret of [current, previous]) {
      expect(verifyWebhook(payload, { ...headers }, secret)).toEqual(JSON.parse(payload));
      expect(new Webhook(secret).verify(payload, { ...headers })).toEqual(JSON.parse(payload));
    }
    expect(() => new Webhook(generateWebhookSecret()).verify(payload, { ...headers })).toThrow(WebhookVerificationError);
  });

  it('signs a repeated secret once', () => {
    const secret = generateWebhookSecret();
    const headers = signWebhook(EVENT_ID, nowSeconds(), body(), [secret, secret]);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(1);
  });

  it('fails verification when any byte of the body, the id or the timestamp changes', () => {
    const secret = generateWebhookSecret();
    const ts = nowSeconds();
    const payload = body();
    const headers = signWebhook(EVENT_ID, ts, payload, [secret]);
    const receiver = new Webhook(secret);

    const flipped = Buffer.from(payload, 'utf8');
    flipped[10] ^= 0x01;
    expect(() => receiver.verify(flipped, { ...headers })).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(flipped.toString('utf8'), { ...headers }, secret)).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(`${payload} `, { ...headers }, secret)).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(payload.replace('"matched":3', '"matched":4'), { ...headers }, secret)).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(payload, { ...headers, 'webhook-id': 'another-id' }, secret)).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(payload, { ...headers, 'webhook-timestamp': String(ts - 1) }, secret)).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(payload, { ...headers }, generateWebhookSecret())).toThrow(WebhookVerificationError);
  });

  it('is refused by receivers when the timestamp is outside the 5-minute tolerance', () => {
    const secret = generateWebhookSecret();
    const payload = body();
    const old = signWebhook(EVENT_ID, nowSeconds() - 10 * 60, payload, [secret]);
    expect(() => verifyWebhook(payload, { ...old }, secret)).toThrow(/too old/);
    const future = signWebhook(EVENT_ID, nowSeconds() + 10 * 60, payload, [secret]);
    expect(() => verifyWebhook(payload, { ...future }, secret)).toThrow(/too new/);
  });

  it('fails verification when a header is missing', () => {
    const secret = generateWebhookSecret();
    const payload = body();
    const headers: Record<string, string> = { ...signWebhook(EVENT_ID, nowSeconds(), payload, [secret]) };
    delete headers['webhook-signature'];
    expect(() => verifyWebhook(payload, headers, secret)).toThrow(WebhookVerificationError);
  });

  it('refuses to sign without a secret, with a malformed timestamp or id', () => {
    const secret = generateWebhookSecret();
    expect(() => signWebhook(EVENT_ID, nowSeconds(), body(), [])).toThrow(/secret/);
    expect(() => signWebhook(EVENT_ID, 1.5, body(), [secret])).toThrow(/timestamp/);
    expect(() => signWebhook(EVENT_ID, -1, body(), [secret])).toThrow(/timestamp/);
    expect(() => signWebhook('', nowSeconds(), body(), [secret])).toThrow(/id/);
    expect(() => signWebhook('id\r\nx-injected: 1', nowSeconds(), body(), [secret])).toThrow(/id/);
    expect(() => signWebhook(EVENT_ID, nowSeconds(), body(), ['whsec_'])).toThrow();
  });
});
