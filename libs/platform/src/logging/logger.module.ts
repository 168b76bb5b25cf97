import { LoggerModule } from 'nestjs-pino';
import type { DynamicModule } from '@nestjs/common';

/**
 * Structured JSON logs with the request id on every line. Credentials are redacted: the
 * Authorization header and anything that looks like a secret never reach a log.
 */
export function loggerModule(app: string, level: string): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: {
      name: app,
      level,
      genReqId: (request) => String(request.id),
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["idempotency-key"]', '*.secret', '*.apiKey', '*.key'],
        censor: '[redacted]',
      },
      customProps: () => ({ app }),
      autoLogging: { ignore: (request) => isProbe((request as { originalUrl?: string }).originalUrl ?? request.url ?? '') },
      serializers: {
        req: (request: { id: unknown; method: unknown; url: unknown }) => ({ id: request.id, method: request.method, url: request.url }),
      },
    },
  });
}

/** Probes and scrapes arrive every few seconds: logging each one would drown the real requests. */
function isProbe(url: string): boolean {
  return url.startsWith('/health/') || url === '/metrics';
}
