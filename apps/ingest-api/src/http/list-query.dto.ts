import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';

/** `limit` and `cursor`, accepted by every list; checked by pageRequest(). Lists extend it with their filters. */
export class ListQueryDto {
  @ApiPropertyOptional({ description: '1-500, default 50' })
  @IsOptional()
  @IsString()
  limit?: string;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  cursor?: string;
}
