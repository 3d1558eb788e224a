import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MODEL_SORTS, type ModelSort } from '../model.repository';

export class ListModelsQuery {
  @ApiPropertyOptional({ description: 'Only models of this user or organization' })
  @IsOptional()
  @IsString()
  @MaxLength(39)
  author?: string;

  @ApiPropertyOptional({ description: 'Case-insensitive substring of the model name ("ns/part" also filters the namespace)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string;

  @ApiPropertyOptional({
    type: [String],
    description: 'Repeatable; every tag must match (card tag, library, task, language, or license:/dataset:/base_model: prefixed)',
  })
  @IsOptional()
  @Transform(({ value }) => (Array.isArray(value) ? value : [value]))
  @IsString({ each: true })
  @MaxLength(256, { each: true })
  tag?: string[];

  @ApiPropertyOptional({ example: 'text-classification' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  pipelineTag?: string;

  @ApiPropertyOptional({ enum: MODEL_SORTS, default: 'lastModified', description: 'Always descending' })
  @IsOptional()
  @IsIn(MODEL_SORTS, { message: `sort must be one of ${MODEL_SORTS.join(', ')}` })
  sort?: ModelSort;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(100)
  limit: number = 50;

  @ApiPropertyOptional({ description: 'nextCursor from the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  cursor?: string;
}
