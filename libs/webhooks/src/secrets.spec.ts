import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret, isWebhookSecret } from './secrets';

describe('generateWebhookSecret', () => {
  it('is whsec_ + base64 of 32 random bytes', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(isWebhookSecret(secret)).toBe(true);
  });

  it('never repeats', () => {
    const secrets = new Set(Array.from({ length: 200 }, () => generateWebhookSecret()));
    expect(secrets.size).toBe(200);
  });

  it('is accepted by the standardwebhooks package', () => {
    expect(() => new Webhook(generateWebhookSecret())).not.toThrow();
  });

  it('isWebhookSecret rejects other shapes', () => {
    for (const value of ['', 'whsec_', 'whsec_abc', `sk_${'A'.repeat(43)}=`, `whsec_${'A'.repeat(44)}`, 42, null, undefined]) {
      expect(isWebhookSecret(value)).toBe(false);
    }
  });
});
