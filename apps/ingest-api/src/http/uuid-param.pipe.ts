import { Injectable, type PipeTransform, Param } from '@nestjs/common';
import { DomainError } from '@concilia/domain';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** Path ids must be UUIDs: anything else is 400 invalid_id before a query runs. */
@Injectable()
export class UuidParamPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUuid(value)) throw DomainError.field('invalid_id', 'id', 'must be a UUID');
    return value.toLowerCase();
  }
}

/** `@IdParam() id: string`: the `:id` path parameter, checked to be a UUID. */
export const IdParam = (name = 'id') => Param(name, UuidParamPipe);
