import { expect } from '@jest/globals';
import { multipartBody, type UploadForm } from './multipart';
import { TEST_ADMIN_TOKEN } from './test-environment';

/** The subset of Fastify's inject() the tests use: requests without a network. */
export interface InjectResponse {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  json<T = any>(): T; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface InjectOptions {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS' | 'HEAD';
  url: string;
  headers?: Record<string, string>;
  payload?: string | object | Buffer;
  remoteAddress?: string;
}

export type Inject = (options: InjectOptions) => Promise<InjectResponse>;

export interface RequestOptions {
  key?: string | null;
  headers?: Record<string, string>;
  remoteAddress?: string;
}

/** A thin client over inject(): JSON bodies, a bearer key, and helpers to set up tenants. */
export class ApiClient {
  constructor(private readonly inject: Inject) {}

  request(method: InjectOptions['method'], url: string, body?: unknown, options: RequestOptions = {}): Promise<InjectResponse> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.key) headers['authorization'] = `Bearer ${options.key}`;
    if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const payload = body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    return this.inject({ method, url, headers, payload, remoteAddress: options.remoteAddress });
  }

  get(url: string, key: string | null, options: RequestOptions = {}) {
    return this.request('GET', url, undefined, { ...options, key });
  }

  post(url: string, body: unknown, key: string | null, options: RequestOptions = {}) {
    return this.request('POST', url, body, { ...options, key });
  }

  put(url: string, body: unknown, key: string | null, options: RequestOptions = {}) {
    return this.request('PUT', url, body, { ...options, key });
  }

  patch(url: string, body: unknown, key: string | null, options: RequestOptions = {}) {
    return this.request('PATCH', url, body, { ...options, key });
  }

  delete(url: string, key: string | null, options: RequestOptions = {}) {
    return this.request('DELETE', url, undefined, { ...options, key });
  }

  /** POSTs a multipart upload (a file part and optional fields), as a client of the import routes does. */
  upload(url: string, form: UploadForm, key: string | null, options: RequestOptions = {}): Promise<InjectResponse> {
    const { payload, contentType } = multipartBody(form);
    return this.request('POST', url, payload, { ...options, key, headers: { ...(options.headers ?? {}), 'content-type': contentType } });
  }

  /** A new tenant and its first key (every scope). */
  async createTenant(name = `tenant-${Math.random().toString(36).slice(2, 8)}`): Promise<{ tenantId: string; key: string; keyId: string }> {
    const response = await this.post('/v1/admin/tenants', { name }, TEST_ADMIN_TOKEN);
    if (response.statusCode !== 201) throw new Error(`createTenant: ${response.statusCode} ${response.body}`);
    const body = response.json();
    return { tenantId: body.tenant.id, key: body.apiKey.secret, keyId: body.apiKey.id };
  }

  async createAccount(key: string, overrides: Record<string, unknown> = {}): Promise<{ id: string; currency: string }> {
    const response = await this.post('/v1/accounts', { name: 'Test store', kind: 'MARKETPLACE', currency: 'BRL', ...overrides }, key);
    if (response.statusCode !== 201) throw new Error(`createAccount: ${response.statusCode} ${response.body}`);
    return response.json();
  }

  async createReconciliation(key: string, accountId: string, overrides: Record<string, unknown> = {}): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const response = await this.post('/v1/reconciliations', { accountId, periodStart: '2026-01-01', periodEnd: '2026-01-31', mode: 'MANUAL', ...overrides }, key);
    if (response.statusCode !== 201) throw new Error(`createReconciliation: ${response.statusCode} ${response.body}`);
    return response.json();
  }
}

/** A statement or ledger entry body with sensible defaults. */
export function statementEntry(overrides: Record<string, unknown> = {}) {
  return { amount: '100.00', currency: 'BRL', date: '2026-01-10', ...overrides };
}

export function ledgerEntry(overrides: Record<string, unknown> = {}) {
  return { externalId: `PED-${Math.random().toString(36).slice(2, 10)}`, kind: 'ORDER', amount: '100.00', currency: 'BRL', date: '2026-01-10', ...overrides };
}

export { TEST_ADMIN_TOKEN };

/**
 * Asserts an RFC 9457 answer: this status, this stable code, application/problem+json, the
 * members every problem carries, and nothing internal (stack frames, SQL, ORM names, file paths).
 * Returns the body for further checks.
 */
export function expectProblem(response: InjectResponse, status: number, code: string): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  expect({ status: response.statusCode, code: response.json().code }).toEqual({ status, code });
  expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
  const body = response.json();
  expect(body).toMatchObject({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String), requestId: expect.any(String) });
  expectNothingInternal(response.body);
  return body;
}

function expectNothingInternal(text: string): void {
  expect(text).not.toMatch(/\n\s*at /);
  expect(text).not.toMatch(/\bat [\w.<>]+ \(/);
  expect(text).not.toMatch(/\.(ts|js):\d+/);
  for (const leak of ['SELECT', 'INSERT INTO', 'typeorm', 'TypeORM', 'QueryFailedError', 'node_modules', 'stack']) {
    expect(text).not.toContain(leak);
  }
}
