import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { NoNulCharacters } from '../../http/text-rules';
import { FINAL_RESOLUTIONS, type FinalResolution } from './discrepancy-values';

export class ResolveDiscrepancyDto {
  @ApiProperty({ enum: FINAL_RESOLUTIONS })
  @IsIn(FINAL_RESOLUTIONS)
  resolution!: FinalResolution;

  /** Checked by requireAmount in the discrepancy's currency (exactly, no float). */
  @ApiPropertyOptional({ type: 'string', example: '12.34', description: 'Decimal string in the discrepancy’s currency' })
  @IsOptional()
  @Allow()
  adjustedAmount?: unknown;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @NoNulCharacters()
  remarks?: string;
}
