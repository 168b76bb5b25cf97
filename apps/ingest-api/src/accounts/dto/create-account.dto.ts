import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { NoNulCharacters } from '../../http/text-rules';
import { ACCOUNT_KINDS, type AccountKind } from '@concilia/domain';

export class CreateAccountDto {
  @ApiProperty({ example: 'Main store - Mercado Livre' })
  @IsString()
  @Length(1, 200)
  @NoNulCharacters()
  name!: string;

  @ApiProperty({ enum: ACCOUNT_KINDS })
  @IsIn(ACCOUNT_KINDS)
  kind!: AccountKind;

  @ApiProperty({ example: 'BRL', description: 'ISO 4217 code' })
  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'must be an ISO 4217 code such as BRL' })
  currency!: string;

  @ApiPropertyOptional({ example: 'mercadolivre', description: 'Marketplace channel, selects the release-type catalogue' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9_-]{0,63}$/, { message: 'must be 1-64 lowercase letters, digits, "-" or "_"' })
  channel?: string;

  @ApiPropertyOptional({ example: 'DE89370400440532013000', description: 'The account elsewhere: IBAN, store id' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  @NoNulCharacters()
  externalId?: string;

  @ApiPropertyOptional({ default: 90, description: 'Longest reconciliation period, in days' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(366)
  maxPeriodDays?: number;
}
