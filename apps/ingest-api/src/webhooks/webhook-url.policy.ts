import { Inject, Injectable } from '@nestjs/common';
import { lookup } from 'node:dns/promises';
import { Settings } from '@concilia/config';
import { DomainError } from '@concilia/domain';
import { checkWebhookUrl, type UrlCheck } from '@concilia/webhooks';

/** Longest webhook URL accepted (the common limit of browsers, proxies and CDNs). */
export const MAX_WEBHOOK_URL_LENGTH = 2048;

/** How long a save waits for DNS before it calls the name unresolvable. */
export const RESOLVE_TIMEOUT_MS = 5000;

/**
 * Resolves a host name to every address it has (A and AAAA), as the notifier will when it
 * connects. A Nest provider of its own so that tests replace `resolve` and never ask real DNS.
 * Throws when the name does not resolve, resolves to nothing, or DNS does not answer in time.
 */
@Injectable()
export class WebhookHostResolver {
  async resolve(host: string): Promise<string[]> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('DNS did not answer in time')), RESOLVE_TIMEOUT_MS);
      timer.unref();
    });
    try {
      const addresses = await Promise.race([lookup(host, { all: true, verbatim: true }), timeout]);
      if (addresses.length === 0) throw new Error('no addresses');
      return addresses.map((entry) => entry.address);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * The save-time rule for webhook URLs (RELIABILITY.md, Security): an absolute http(s) URL of at
 * most 2,048 characters, https unless every address is in WEBHOOK_ALLOWED_CIDRS (never plain
 * http in production), no credentials, and no address that is private, loopback, link-local,
 * CGNAT, multicast, reserved or metadata, in any notation. Nothing connects here; the notifier
 * checks again on every connection because DNS may change.
 */
@Injectable()
export class WebhookUrlPolicy {
  constructor(
    @Inject(Settings) private readonly settings: Settings,
    private readonly resolver: WebhookHostResolver,
  ) {}

  async assertAllowed(url: string, field = 'url'): Promise<void> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw DomainError.field('validation_failed', field, 'must be an absolute URL');
    }
    if (this.settings.NODE_ENV === 'production' && parsed.protocol === 'http:') throw forbidden(field, 'http-not-allowed');
    let verdict: UrlCheck;
    try {
      verdict = await checkWebhookUrl(url, { allowedCidrs: this.settings.WEBHOOK_ALLOWED_CIDRS, resolve: (host) => this.resolver.resolve(host) });
    } catch {
      // Never a 5xx for a URL: an error such as ENOTFOUND escaping here would read as "database away".
      throw forbidden(field, 'unresolvable-host');
    }
    if (!verdict.ok) throw forbidden(field, verdict.reason);
  }
}

const REASON_TEXT: Record<string, string> = {
  'invalid-url': 'it is not a valid absolute URL',
  'scheme-not-allowed': 'only https URLs are allowed',
  'credentials-in-url': 'a URL must not carry a user name or password',
  'unresolvable-host': 'the host name does not resolve',
  'http-not-allowed': 'plain http is allowed only into WEBHOOK_ALLOWED_CIDRS (never in production); use https',
};

/** The problem for a refused URL: `reason` is the stable token, the detail says it in words (never the resolved addresses). */
function forbidden(field: string, reason: string): DomainError {
  const text = REASON_TEXT[reason] ?? `the host is or resolves to a ${reason} address`;
  return new DomainError('webhook_url_forbidden', `This URL cannot receive webhooks: ${text} (${reason}).`, [{ field, code: 'webhook_url_forbidden', message: text }], {
    reason,
  });
}
