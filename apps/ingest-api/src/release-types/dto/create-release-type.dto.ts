import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length, Matches } from 'class-validator';
import { RELEASE_TYPE_CATEGORIES, RELEASE_TYPE_CODE_PATTERN, type ReleaseTypeCategory } from '@concilia/domain';
import { NoNulCharacters } from '../../http/text-rules';

export class CreateReleaseTypeDto {
  @ApiProperty({ example: 'COINS_CASHBACK', pattern: RELEASE_TYPE_CODE_PATTERN.source })
  @IsString()
  @Matches(RELEASE_TYPE_CODE_PATTERN, { message: 'must be an upper-case letter followed by up to 63 upper-case letters, digits or "_"' })
  code!: string;

  @ApiProperty({ example: 'Coins cashback' })
  @IsString()
  @Length(1, 200)
  @NoNulCharacters()
  name!: string;

  @ApiProperty({ enum: RELEASE_TYPE_CATEGORIES })
  @IsIn(RELEASE_TYPE_CATEGORIES)
  category!: ReleaseTypeCategory;
}
