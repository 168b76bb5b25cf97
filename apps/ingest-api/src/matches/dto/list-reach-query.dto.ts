import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ListQueryDto } from '../../http/list-query.dto';

export const LEDGER_SCOPES = ['unmatched', 'all'] as const;

export class ListReachQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: LEDGER_SCOPES, description: 'unmatched: not linked by any active match (default all)' })
  @IsOptional()
  @IsIn(LEDGER_SCOPES)
  scope?: (typeof LEDGER_SCOPES)[number];
}
