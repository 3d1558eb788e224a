import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_LINEAGE_DEPTH } from '../lineage-writer.service';

export class LineageQuery {
  @ApiPropertyOptional({ enum: ['up', 'down'], default: 'up', description: 'up: ancestors (base models, datasets); down: descendants' })
  @IsOptional()
  @IsIn(['up', 'down'], { message: 'direction must be up or down' })
  direction?: 'up' | 'down';

  @ApiPropertyOptional({ default: 1, minimum: 1, maximum: MAX_LINEAGE_DEPTH })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'depth must be a whole number' })
  @Min(1, { message: 'depth must be at least 1' })
  @Max(MAX_LINEAGE_DEPTH, { message: `depth must be at most ${MAX_LINEAGE_DEPTH}` })
  depth?: number;
}
