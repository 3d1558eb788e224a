import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class CreateVersionDto {
  @ApiProperty({ example: 'v1.0.0', description: "A git ref-safe name; never 'latest'" })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ example: 'main', description: 'Branch, version, commit id or HEAD (default: the head of main)' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  revision?: string;

  @ApiPropertyOptional({ description: 'Release notes (Markdown)' })
  @IsOptional()
  @IsString()
  @MaxLength(100_000)
  notes?: string;
}

export class DeprecateVersionDto {
  @ApiProperty({ example: 'Superseded by v2.0.0, which fixes the tokenizer' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  message: string;
}
