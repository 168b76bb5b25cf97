import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { RECONCILIATION_STATUSES } from '@concilia/domain';
import { ListQueryDto } from '../../http/list-query.dto';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export class ListReconciliationsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  accountId?: string;

  @ApiPropertyOptional({ enum: RECONCILIATION_STATUSES })
  @IsOptional()
  @IsIn(RECONCILIATION_STATUSES)
  status?: string;

  @ApiPropertyOptional({ description: 'Periods ending on or after this date' })
  @IsOptional()
  @Matches(ISO_DATE, { message: 'must be YYYY-MM-DD' })
  periodFrom?: string;

  @ApiPropertyOptional({ description: 'Periods starting on or before this date' })
  @IsOptional()
  @Matches(ISO_DATE, { message: 'must be YYYY-MM-DD' })
  periodTo?: string;
}
