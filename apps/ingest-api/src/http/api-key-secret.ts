import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const KEY_PREFIX = 'ck_';
const KEY_PATTERN = /^ck_[A-Za-z0-9]{43}$/;

/** A new API key: 256 random bits, base62-free base64url without symbols, prefixed `ck_`. */
export function generateApiKey(): { secret: string; prefix: string; hash: Buffer } {
  let body = '';
  while (body.length < 43) body += randomBytes(48).toString('base64').replace(/[^A-Za-z0-9]/g, '');
  const secret = `${KEY_PREFIX}${body.slice(0, 43)}`;
  return { secret, prefix: secret.slice(0, 11), hash: hashApiKey(secret) };
}

export function looksLikeApiKey(value: string): boolean {
  return KEY_PATTERN.test(value);
}

/** Keys carry 256 bits of entropy, so a plain SHA-256 is a sound, fast hash for lookups. */
export function hashApiKey(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/** Constant-time comparison of two secrets of any length (compares their hashes). */
export function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}
