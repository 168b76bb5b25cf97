import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { NoNulCharacters } from '../../http/text-rules';

export class CreateTenantDto {
  @ApiProperty({ example: 'Acme Marketplace Ltd' })
  @IsString()
  @Length(1, 200)
  @NoNulCharacters()
  name!: string;

  @ApiPropertyOptional({ example: 'bootstrap', description: 'Name of the first API key (default "default")' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @NoNulCharacters()
  keyName?: string;
}
