import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsString,
  Max,
  Min,
  ValidateNested,
  IsDefined,
  IsObject,
} from 'class-validator';
import { MATCHING_STRATEGIES, type MatchingStrategy } from '@concilia/domain';

export class SeverityThresholdsDto {
  @ApiProperty({ example: '1.00', description: 'Differences at or above this are WARNING' })
  @IsDefined()
  warning!: string | number;

  @ApiProperty({ example: '100.00', description: 'Differences at or above this are CRITICAL' })
  @IsDefined()
  critical!: string | number;
}

/** PUT replaces the rules whole: every field is required. Amounts are in the account's currency. */
export class MatchingRulesDto {
  @ApiProperty({ example: '0.05', description: 'Absolute tolerance, a decimal amount' })
  @IsDefined()
  amountTolerance!: string | number;

  @ApiProperty({ example: 0, description: 'Relative tolerance in basis points (1 bp = 0.01 %)' })
  @IsInt()
  @Min(0)
  @Max(10_000)
  amountToleranceBps!: number;

  @ApiProperty({ example: 3 })
  @IsInt()
  @Min(0)
  @Max(90)
  dateWindowDays!: number;

  @ApiProperty({ example: ['PED-\\d+'], description: 'Regular expressions that find references in descriptions' })
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  referencePatterns!: string[];

  @ApiProperty({ example: false, description: 'Treat each statement entry’s externalId as a reference too' })
  @IsBoolean()
  useExternalIdAsReference!: boolean;

  @ApiProperty({ enum: MATCHING_STRATEGIES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(MATCHING_STRATEGIES, { each: true })
  strategies!: MatchingStrategy[];

  @ApiProperty({ example: 90 })
  @IsInt()
  @Min(0)
  @Max(100)
  autoAcceptThreshold!: number;

  @ApiProperty({ example: 60 })
  @IsInt()
  @Min(0)
  @Max(100)
  suggestThreshold!: number;

  @ApiProperty({ example: 5 })
  @IsInt()
  @Min(2)
  @Max(10)
  maxGroupSize!: number;

  @ApiProperty({ type: SeverityThresholdsDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => SeverityThresholdsDto)
  severityThresholds!: SeverityThresholdsDto;
}
