import { Injectable, Param, type PipeTransform } from '@nestjs/common';
import { CHANNEL_PATTERN, DomainError } from '@concilia/domain';

/** A channel in a path, as accounts spell it (lower-case letters, digits, "-", "_"; up to 64). */
@Injectable()
export class ChannelParamPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    const channel = typeof value === 'string' ? value.toLowerCase() : '';
    if (!CHANNEL_PATTERN.test(channel)) throw DomainError.field('invalid_id', 'channel', 'must be 1-64 letters, digits, "-" or "_"');
    return channel;
  }
}

export const ChannelParam = () => Param('channel', ChannelParamPipe);
