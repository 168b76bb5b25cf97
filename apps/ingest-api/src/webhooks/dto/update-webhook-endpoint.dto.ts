import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, Length, Matches, MaxLength, ValidateIf } from 'class-validator';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '@concilia/webhooks';
import { NoNulCharacters } from '../../http/text-rules';
import { MAX_WEBHOOK_URL_LENGTH } from '../webhook-url.policy';
import { URL_CHARACTERS } from './create-webhook-endpoint.dto';

export class UpdateWebhookEndpointDto {
  @ApiPropertyOptional({ description: 'Checked again like a new URL', maxLength: MAX_WEBHOOK_URL_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_WEBHOOK_URL_LENGTH)
  @Matches(URL_CHARACTERS, { message: 'must be an absolute URL without spaces or control characters' })
  url?: string;

  @ApiPropertyOptional({ enum: WEBHOOK_EVENT_TYPES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  events?: WebhookEventType[];

  @ApiPropertyOptional({ description: 'true re-enables an endpoint the system disabled (clears disabledReason and failingSince)' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ nullable: true, maxLength: 500, description: 'null clears it' })
  @ValidateIf((_, value) => value !== null)
  @IsOptional()
  @IsString()
  @Length(0, 500)
  @NoNulCharacters()
  description?: string | null;
}
