import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { NoNulCharacters } from '../../http/text-rules';

/** More entries than this on one side is not a match a person makes by hand. */
export const MAX_MANUAL_MATCH_SIDE = 1000;

export class ManualMatchDto {
  @ApiProperty({ type: [String], format: 'uuid', description: 'Statement entries of this reconciliation' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_MANUAL_MATCH_SIDE)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  statementEntryIds!: string[];

  @ApiProperty({ type: [String], format: 'uuid', description: "Ledger entries of the reconciliation's account" })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_MANUAL_MATCH_SIDE)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  ledgerEntryIds!: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @NoNulCharacters()
  note?: string;

  @ApiPropertyOptional({ description: 'Needed when the sides differ by more than the tolerance; raises an AMOUNT_MISMATCH discrepancy' })
  @IsOptional()
  @IsBoolean()
  allowDifference?: boolean;
}
