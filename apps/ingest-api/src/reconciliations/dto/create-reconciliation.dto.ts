import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, MaxLength, Min, Max, Allow } from 'class-validator';
import { NoNulCharacters } from '../../http/text-rules';
import { RECONCILIATION_MODES, type ReconciliationMode } from '@concilia/domain';
import { statementEntrySchema } from '../../entries/entry-schemas';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export class CreateReconciliationDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  accountId!: string;

  @ApiProperty({ example: '2026-01-01' })
  @IsString()
  @Matches(ISO_DATE, { message: 'must be YYYY-MM-DD' })
  periodStart!: string;

  @ApiProperty({ example: '2026-01-31' })
  @IsString()
  @Matches(ISO_DATE, { message: 'must be YYYY-MM-DD' })
  periodEnd!: string;

  @ApiProperty({ enum: RECONCILIATION_MODES, description: 'AUTOMATIC matches by itself; MANUAL only when asked' })
  @IsIn(RECONCILIATION_MODES)
  mode!: ReconciliationMode;

  @ApiPropertyOptional({ description: 'In AUTOMATIC mode, matching starts once this many statement entries arrived' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  expectedEntryCount?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @NoNulCharacters()
  note?: string;

  /** Checked by the compiled entry schema (like the bulk route), not by class-validator. */
  @ApiPropertyOptional({ type: 'array', items: statementEntrySchema as object, description: 'Up to 10,000 inline statement entries' })
  @IsOptional()
  @IsArray()
  @Allow()
  statementEntries?: unknown[];
}
