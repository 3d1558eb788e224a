import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class CreateBranchDto {
  @ApiProperty({ example: 'experiment-1', description: "git ref rules: no spaces, '..', ~^:?*[\\, not HEAD" })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ description: 'Revision the branch starts at (default: the head of main)' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  startingPoint?: string;
}
