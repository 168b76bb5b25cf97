import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';
import { NoNulCharacters } from '../../http/text-rules';
import { DISCREPANCY_STATUSES, type DiscrepancyStatus } from './discrepancy-values';

export class UpdateDiscrepancyDto {
  @ApiPropertyOptional({ enum: DISCREPANCY_STATUSES, description: 'Review status' })
  @IsOptional()
  @IsIn(DISCREPANCY_STATUSES)
  status?: DiscrepancyStatus;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @MaxLength(2000)
  @NoNulCharacters()
  note?: string | null;
}
