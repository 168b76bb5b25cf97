import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import { Agent, request } from 'undici';
import { Settings } from '@concilia/config';
import { WEBHOOK_RESOLVER, WEBHOOK_SOCKET_CONNECTOR } from './delivery.tokens';
import { ForbiddenAddressError, guardedConnector, type HostResolver, type SocketConnector } from './guarded-connector';

/** At most this much of a response is read; the connection is dropped after it. */
export const RESPONSE_READ_LIMIT_BYTES = 8 * 1024;
/** At most this much of a response is stored with the attempt. */
export const RESPONSE_EXCERPT_BYTES = 1024;
const ERROR_TEXT_LIMIT = 500;

/** What one POST came to: a status (any status, 2xx or not) or an error before one arrived. */
export interface HttpAttempt {
  statusCode: number | null;
  durationMs: number;
  /** Why no status arrived (timeout, refused, forbidden address), or what went wrong reading the body. */
  error: string | null;
  /** The first 1 KB of the response, as text; null without a response. */
  excerpt: string | null;
  /** The Retry-After header, when the receiver sent one. */
  retryAfter: string | undefined;
}

/**
 * The one HTTP client of the notifier: a shared keep-alive undici Agent whose connector re-checks
 * the SSRF rule on every new connection. Redirects are never followed (undici's request() only
 * follows them with the redirect interceptor, which is not installed: a 3xx is just a status).
 * Each attempt has a total deadline (NOTIFIER_DELIVERY_TIMEOUT_MS) over connect, headers and
 * body, plus undici's own connect, headers and body timeouts; at most 8 KB of the answer is read.
 */
@Injectable()
export class WebhookHttpClient implements OnApplicationShutdown {
  private readonly agent: Agent;
  private readonly timeoutMs: number;

  constructor(
    @Inject(Settings) settings: Settings,
    @Inject(WEBHOOK_RESOLVER) resolve: HostResolver,
    @Inject(WEBHOOK_SOCKET_CONNECTOR) connect: SocketConnector,
  ) {
    this.timeoutMs = settings.NOTIFIER_DELIVERY_TIMEOUT_MS;
    this.agent = new Agent({
      keepAliveTimeout: 4_000,
      keepAliveMaxTimeout: 60_000,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      connect: guardedConnector({ policy: { allowedCidrs: settings.WEBHOOK_ALLOWED_CIDRS }, resolve, connect }),
    });
  }

  async post(url: string, headers: Record<string, string>, body: string): Promise<HttpAttempt> {
    const started = performance.now();
    const elapsed = () => Math.max(0, Math.round(performance.now() - started));
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(url, {
        dispatcher: this.agent,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Concilia-Webhooks/1', ...headers },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      return { statusCode: null, durationMs: elapsed(), error: this.describe(error), excerpt: null, retryAfter: undefined };
    }
    const retryAfterHeader = response.headers['retry-after'];
    const retryAfter = Array.isArray(retryAfterHeader) ? retryAfterHeader[0] : retryAfterHeader;
    let head: Buffer = Buffer.alloc(0);
    let error: string | null = null;
    try {
      head = await readAtMost(response.body, RESPONSE_READ_LIMIT_BYTES);
    } catch (failure) {
      error = `reading the response: ${this.describe(failure)}`;
    }
    return { statusCode: response.statusCode, durationMs: elapsed(), error, excerpt: excerptOf(head), retryAfter };
  }

  /** Finishes the requests in flight, then closes the connections (Nest calls it on shutdown, after the workers stopped). */
  async onApplicationShutdown(): Promise<void> {
    await this.agent.close();
  }

  private describe(error: unknown): string {
    if (error instanceof ForbiddenAddressError) return error.message;
    const failure = (error ?? {}) as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown };
    const code = typeof failure.code === 'string' ? failure.code : undefined;
    const name = typeof failure.name === 'string' ? failure.name : 'Error';
    if (name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
      return `timeout: no complete answer within ${this.timeoutMs} ms (${code ?? name})`;
    }
    const message = typeof failure.message === 'string' && failure.message.length > 0 ? failure.message : String(error);
    const cause = failure.cause instanceof Error && failure.cause.message && !message.includes(failure.cause.message) ? ` (${failure.cause.message})` : '';
    return clean(`${code ?? name}: ${message}${cause}`).slice(0, ERROR_TEXT_LIMIT);
  }
}

/** Reads up to `limit` bytes, then drops the rest (destroying the body closes that connection). */
async function readAtMost(body: AsyncIterable<Buffer> & { destroy(): void; readableEnded?: boolean }, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= limit) break;
    }
  } finally {
    if (!body.readableEnded) body.destroy();
  }
  return Buffer.concat(chunks).subarray(0, limit);
}

/** The first 1 KB as text: no split character at the end, no NUL (Postgres text refuses it). */
function excerptOf(head: Buffer): string {
  return clean(new StringDecoder('utf8').write(head.subarray(0, RESPONSE_EXCERPT_BYTES)));
}

function clean(text: string): string {
  return text.replaceAll('\u0000', '\uFFFD');
}
