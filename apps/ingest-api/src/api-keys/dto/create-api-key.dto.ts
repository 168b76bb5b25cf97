import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, Length } from 'class-validator';
import { NoNulCharacters } from '../../http/text-rules';
import { API_SCOPES } from '@concilia/domain';

export const KEY_SCOPES = [...API_SCOPES, 'api_keys:manage'] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

export class CreateApiKeyDto {
  @ApiProperty({ example: 'ERP integration' })
  @IsString()
  @Length(1, 200)
  @NoNulCharacters()
  name!: string;

  @ApiProperty({ enum: KEY_SCOPES, isArray: true })
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(KEY_SCOPES.length)
  @IsIn(KEY_SCOPES, { each: true })
  scopes!: KeyScope[];

  @ApiPropertyOptional({ example: ['203.0.113.0/24'], description: 'CIDRs or addresses; empty means anywhere' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  allowedIps?: string[];
}
