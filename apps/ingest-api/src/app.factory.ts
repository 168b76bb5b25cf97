import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import multipart from '@fastify/multipart';
import type { FastifyInstance, RawRequestDefaultExpression } from 'fastify';
import { Logger } from 'nestjs-pino';
import type { Settings } from '@concilia/config';
import { AppModule } from './app.module';
import { discardSpool, spoolDirectory, sweepSpoolDirectory } from './imports/upload-spool.guard';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Builds the ingest API (used by main.ts and by the end-to-end tests). */
export async function createIngestApi(settings: Settings): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: settings.API_BODY_LIMIT_BYTES,
    trustProxy: settings.API_TRUST_PROXY,
    requestTimeout: 60_000,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Honour the caller's X-Request-Id when it is sane, so their id follows the work.
    genReqId: (request: RawRequestDefaultExpression) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    logger: false,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(settings), adapter, {
    bufferLogs: true,
    // Fastify's own JSON parser only (with its prototype-poisoning guards): no form bodies.
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  // Uploads stream to disk in UploadSpoolGuard, with its own limits (API_IMPORT_MAX_BYTES).
  await app.register(multipart, { limits: { fileSize: settings.API_IMPORT_MAX_BYTES } });
  await sweepSpoolDirectory(spoolDirectory(settings));
  installProblemHandlers(app.getHttpAdapter().getInstance());
  installOpenApi(app);
  return app;
}

/**
 * Every response names its request. Errors Fastify raises before a handler runs (body too
 * large, wrong content type, malformed JSON) reach ProblemFilter through Nest's own handler.
 */
function installProblemHandlers(fastify: FastifyInstance): void {
  // JSON only: without this, Fastify would hand text/plain bodies to the handlers as strings.
  fastify.removeContentTypeParser('text/plain');
  fastify.addHook('onRequest', async (request, reply) => {
    void reply.header('X-Request-Id', String(request.id));
  });
  // A spooled upload whose handler never ran (an idempotent replay) goes when the answer is sent.
  fastify.addHook('onResponse', async (request) => discardSpool(request));
  // Multipart is parsed for upload routes only; everywhere else it stays the 415 it was.
  fastify.addHook('preValidation', async (request) => {
    const config = request.routeOptions.config as { upload?: boolean } | undefined;
    if (request.isMultipart() && !config?.upload) throw Object.assign(new Error('multipart body on a JSON route'), { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' });
  });
}

function installOpenApi(app: NestFastifyApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Concilia API')
    .setDescription('Financial reconciliation: post what you expected and what happened; get matches, discrepancies and settlements.')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key (ck_...) or, for /v1/admin, the ADMIN_TOKEN' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
