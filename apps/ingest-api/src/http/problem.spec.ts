import { DomainError } from '@concilia/domain';
import { toProblem } from './problem';

/** Postgres errors a request can meet, as clients see them: never a 500 for what a retry fixes. */
describe('toProblem', () => {
  const pgError = (code: string) => Object.assign(new Error(`driver error ${code}`), { code });

  it.each([
    ['40P01', 'a deadlock'],
    ['40001', 'a serialization failure'],
    ['57014', 'a statement timeout'],
  ])('answers %s (%s) 503 service_unavailable with Retry-After and no internals', (code) => {
    const problem = toProblem(pgError(code), 'req-1');
    expect(problem).toMatchObject({ status: 503, unexpected: false, headers: { 'Retry-After': '5' } });
    expect(problem.body).toMatchObject({ code: 'service_unavailable', requestId: 'req-1' });
    expect(problem.body.detail).not.toContain('driver error');
  });

  it('keeps a DomainError code and its details', () => {
    const problem = toProblem(new DomainError('import_rows_invalid', 'bad rows', [{ line: 3, field: 'amount', code: 'amount_invalid', message: 'x' }], { importId: 'i-1' }), 'req-2');
    expect(problem.status).toBe(422);
    expect(problem.body).toMatchObject({ code: 'import_rows_invalid', importId: 'i-1', errors: [{ line: 3, field: 'amount', code: 'amount_invalid' }] });
  });

  it('answers anything else 500 internal_error, flagged as unexpected', () => {
    const problem = toProblem(pgError('XX000'), 'req-3');
    expect(problem).toMatchObject({ status: 500, unexpected: true, body: { code: 'internal_error' } });
    expect(JSON.stringify(problem.body)).not.toContain('driver error');
  });
});
