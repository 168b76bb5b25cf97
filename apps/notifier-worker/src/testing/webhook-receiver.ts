import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as a receiver saw it: the raw body bytes (as text) and the headers. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** Date.now() when the request's body had arrived. */
  at: number;
}

/** Answers one request; `index` is its 0-based position among the requests received. */
export type ReceiverHandler = (request: ReceivedRequest, response: ServerResponse, index: number) => void | Promise<void>;

/**
 * A real HTTP receiver on 127.0.0.1 (random port), recording every request. Answers 200 "ok"
 * unless given a handler.
 */
export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  /** Most requests in progress at once (received, not yet answered). */
  maxConcurrent = 0;
  private inProgress = 0;

  private constructor(
    private readonly server: Server,
    private handler: ReceiverHandler,
  ) {}

  static async start(handler: ReceiverHandler = (_request, response) => void response.end('ok')): Promise<WebhookReceiver> {
    const holder: { receiver?: WebhookReceiver } = {};
    const server = createServer((request, response) => void holder.receiver?.handle(request, response));
    const receiver = new WebhookReceiver(server, handler);
    holder.receiver = receiver;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path = '/hooks'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  respondWith(handler: ReceiverHandler): void {
    this.handler = handler;
  }

  async waitForRequests(count: number, timeoutMs = 60_000): Promise<ReceivedRequest[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.requests.length < count) {
      if (Date.now() > deadline) throw new Error(`receiver got ${this.requests.length} request(s), expected ${count}, within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.requests;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.inProgress += 1;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.inProgress);
    response.once('close', () => (this.inProgress -= 1));
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers[name] = value;
    const received: ReceivedRequest = { method: request.method ?? '', path: request.url ?? '', headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
    const index = this.requests.push(received) - 1;
    try {
      await this.handler(received, response, index);
    } catch {
      if (!response.headersSent) response.statusCode = 500;
      response.end();
    }
  }
}
