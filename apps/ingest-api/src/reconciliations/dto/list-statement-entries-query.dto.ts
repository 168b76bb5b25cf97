import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { ENTRY_MATCH_STATUSES } from '@concilia/domain';
import { ListQueryDto } from '../../http/list-query.dto';

export class ListStatementEntriesQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: ENTRY_MATCH_STATUSES })
  @IsOptional()
  @IsIn(ENTRY_MATCH_STATUSES)
  matchStatus?: string;

  @ApiPropertyOptional({ example: 'COMMISSION' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  releaseType?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 255)
  externalId?: string;
}
