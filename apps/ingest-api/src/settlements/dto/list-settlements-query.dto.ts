import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { ListQueryDto } from '../../http/list-query.dto';
import { SETTLEMENT_STATUSES } from './settlement-batches';

export class ListSettlementsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: SETTLEMENT_STATUSES, default: 'PENDING' })
  @IsOptional()
  @IsIn(SETTLEMENT_STATUSES)
  status?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  accountId?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: only those not yet marked read' })
  @IsOptional()
  @IsIn(['true', 'false'])
  unread?: string;
}
