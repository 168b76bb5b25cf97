import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { DomainError, type FieldError } from '@concilia/domain';

/** Deepest nesting a body may have (the outermost object or array is level 1). */
export const MAX_BODY_DEPTH = 32;

/**
 * class-validator for ordinary DTOs: unknown fields are refused (400 unknown_field), other
 * problems are 422 validation_failed; each names its field path (`rules.referencePatterns[0]`).
 * Query parameters are filters: a bad value there is 400 invalid_query (API.md, Pagination).
 * Bodies nested deeper than MAX_BODY_DEPTH are refused before class-transformer, whose
 * recursion would otherwise overflow the stack on JSON like 10,000 levels of `[`.
 */
export class ApiValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body') assertDepth(value);
    try {
      return await super.transform(value, metadata);
    } catch (error: unknown) {
      if (metadata.type === 'query' && error instanceof DomainError && error.code === 'validation_failed') {
        throw new DomainError('invalid_query', error.message, error.errors, error.details);
      }
      throw error;
    }
  }
}

/** Iterative, so that the check itself cannot overflow the stack. */
function assertDepth(value: unknown): void {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (!isJsonContainer(current)) continue;
    if (depth > MAX_BODY_DEPTH) {
      const message = `must not be nested more than ${MAX_BODY_DEPTH} levels deep`;
      throw new DomainError('validation_failed', `body: ${message}`, [{ field: 'body', code: 'too_deep', message }]);
    }
    for (const child of Object.values(current)) {
      if (isJsonContainer(child)) stack.push([child, depth + 1]);
    }
  }
}

/** Arrays and plain objects: what JSON.parse builds (never Buffers or streams of other parsers). */
function isJsonContainer(value: unknown): value is object {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return true;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

export function validationPipe(): ValidationPipe {
  return new ApiValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    stopAtFirstError: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => toDomainError(errors),
  });
}

export function toDomainError(errors: ValidationError[]): DomainError {
  const fields = flatten(errors, '');
  const unknown = fields.filter((field) => field.code === 'unknown_field');
  if (unknown.length > 0) {
    return new DomainError('unknown_field', `Unknown field${unknown.length > 1 ? 's' : ''}: ${unknown.map((f) => f.field).join(', ')}`, unknown);
  }
  return new DomainError('validation_failed', fields.map((f) => `${f.field}: ${f.message}`).join('; '), fields);
}

function flatten(errors: ValidationError[], parent: string): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent === '' ? error.property : /^\d+$/.test(error.property) ? `${parent}[${error.property}]` : `${parent}.${error.property}`;
    const own = Object.entries(error.constraints ?? {}).map(([constraint, message]) =>
      constraint === 'whitelistValidation'
        ? { field, code: 'unknown_field', message: 'is not a known field' }
        : { field, code: constraintCode(constraint), message: message.replace(/^\S+ /, '') },
    );
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

function constraintCode(constraint: string): string {
  return constraint.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}
