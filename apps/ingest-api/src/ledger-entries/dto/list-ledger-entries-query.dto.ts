import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { ENTRY_MATCH_STATUSES, LEDGER_ENTRY_KINDS } from '@concilia/domain';
import { ListQueryDto } from '../../http/list-query.dto';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export class ListLedgerEntriesQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: ENTRY_MATCH_STATUSES })
  @IsOptional()
  @IsIn(ENTRY_MATCH_STATUSES)
  matchStatus?: string;

  @ApiPropertyOptional({ example: '2026-01-01' })
  @IsOptional()
  @Matches(ISO_DATE, { message: 'must be YYYY-MM-DD' })
  dateFrom?: string;

  @ApiPropertyOptional({ example: '2026-01-31' })
  @IsOptional()
  @Matches(ISO_DATE, { message: 'must be YYYY-MM-DD' })
  dateTo?: string;

  @ApiPropertyOptional({ enum: LEDGER_ENTRY_KINDS })
  @IsOptional()
  @IsIn(LEDGER_ENTRY_KINDS)
  kind?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 255)
  externalId?: string;
}
