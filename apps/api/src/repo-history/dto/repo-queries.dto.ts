import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';

const toBool = ({ value }: { value: unknown }) => (value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value);

export class RevisionQuery {
  @ApiPropertyOptional({ description: 'Branch, version, commit id (or a 7+ prefix), refs/heads/x, refs/tags/x or HEAD (default)' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  revision?: string;
}

export class TreeQuery extends RevisionQuery {
  @ApiPropertyOptional({ description: 'Folder to list (default: the root)' })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  path?: string;

  @ApiPropertyOptional({ description: 'List everything under the folder, directories included' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'recursive must be true or false' })
  recursive?: boolean;

  @ApiPropertyOptional({ description: 'Add each entry’s last commit' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'expand must be true or false' })
  expand?: boolean;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  cursor?: string;

  @ApiPropertyOptional({ default: 1000, minimum: 1, maximum: 10000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  limit?: number;
}

export class HistoryQuery extends RevisionQuery {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  cursor?: string;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}
