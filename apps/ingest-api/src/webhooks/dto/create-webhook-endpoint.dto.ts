import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '@concilia/webhooks';
import { NoNulCharacters } from '../../http/text-rules';
import { MAX_WEBHOOK_URL_LENGTH } from '../webhook-url.policy';

/** No spaces or control characters anywhere in a URL. */
// eslint-disable-next-line no-control-regex
export const URL_CHARACTERS = /^[^\s\u0000-\u001f\u007f]+$/;

export class CreateWebhookEndpointDto {
  @ApiProperty({ example: 'https://erp.example.com/hooks/concilia', maxLength: MAX_WEBHOOK_URL_LENGTH })
  @IsString()
  @MaxLength(MAX_WEBHOOK_URL_LENGTH)
  @Matches(URL_CHARACTERS, { message: 'must be an absolute URL without spaces or control characters' })
  url!: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true, example: ['reconciliation.completed', 'reconciliation.failed'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  events!: WebhookEventType[];

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @Length(0, 500)
  @NoNulCharacters()
  description?: string;
}
