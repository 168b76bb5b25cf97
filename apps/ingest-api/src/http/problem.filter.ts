import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { StoredResponseReplay } from './idempotency.interceptor';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem';

/** Every error leaves as application/problem+json; unexpected ones are logged with their stack, never sent. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (error instanceof StoredResponseReplay) {
      const { status, headers, body } = error.response;
      void reply.status(status).headers(headers).header('Idempotent-Replayed', 'true').send(body);
      return;
    }
    const problem = toProblem(error, String(request.id));
    if (problem.unexpected) this.logger.error({ err: error, requestId: request.id }, 'unexpected error');
    void reply.status(problem.status).headers(problem.headers).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem.body));
  }
}
