import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ListQueryDto } from '../../http/list-query.dto';
import { DISCREPANCY_RESOLUTIONS, DISCREPANCY_SEVERITIES, DISCREPANCY_STATUSES, DISCREPANCY_TYPES } from './discrepancy-values';

export class ListDiscrepanciesQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: DISCREPANCY_TYPES })
  @IsOptional()
  @IsIn(DISCREPANCY_TYPES)
  type?: string;

  @ApiPropertyOptional({ enum: DISCREPANCY_SEVERITIES })
  @IsOptional()
  @IsIn(DISCREPANCY_SEVERITIES)
  severity?: string;

  @ApiPropertyOptional({ enum: DISCREPANCY_STATUSES })
  @IsOptional()
  @IsIn(DISCREPANCY_STATUSES)
  status?: string;

  @ApiPropertyOptional({ enum: DISCREPANCY_RESOLUTIONS })
  @IsOptional()
  @IsIn(DISCREPANCY_RESOLUTIONS)
  resolution?: string;
}
