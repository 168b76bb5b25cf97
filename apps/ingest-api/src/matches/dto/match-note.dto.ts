import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';
import { NoNulCharacters } from '../../http/text-rules';

/** The optional body of accept, reject and unmatch. */
export class MatchDecisionDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @NoNulCharacters()
  note?: string;
}

export class UpdateMatchDto {
  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @MaxLength(2000)
  @NoNulCharacters()
  note?: string | null;
}
