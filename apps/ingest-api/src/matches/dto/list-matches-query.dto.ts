import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ListQueryDto } from '../../http/list-query.dto';

export const REVIEWABLE_MATCH_STATUSES = ['SUGGESTED', 'ACCEPTED', 'REJECTED', 'UNMATCHED'] as const;
export const MATCH_METHODS = ['AUTO', 'MANUAL'] as const;

export class ListMatchesQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: REVIEWABLE_MATCH_STATUSES })
  @IsOptional()
  @IsIn(REVIEWABLE_MATCH_STATUSES)
  status?: string;

  @ApiPropertyOptional({ enum: MATCH_METHODS })
  @IsOptional()
  @IsIn(MATCH_METHODS)
  method?: string;
}
