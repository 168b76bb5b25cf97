import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { NoNulCharacters } from '../../http/text-rules';

export const CLOSE_REASONS = ['DUPLICATE', 'NOT_APPLICABLE', 'WRITTEN_OFF', 'OTHER'] as const;

export class CloseStatementEntryDto {
  @ApiProperty({ enum: CLOSE_REASONS })
  @IsIn(CLOSE_REASONS)
  reason!: (typeof CLOSE_REASONS)[number];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @NoNulCharacters()
  note?: string;
}

export class ReopenStatementEntryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @NoNulCharacters()
  note?: string;
}
