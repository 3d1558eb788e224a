import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import type { ColumnType } from '../preview-model';
import { PREVIEW_FORMATS, type PreviewFormat } from '../preview-formats';

export class DatasetPreviewQuery {
  @ApiProperty({ description: 'The file in the dataset', example: 'data/train.parquet' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  path: string;

  @ApiPropertyOptional({ description: 'Branch, version or commit id (default `main`)' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  revision?: string;
}

export class PreviewColumnDto {
  @ApiProperty()
  name: string;

  @ApiProperty({ enum: ['null', 'boolean', 'integer', 'float', 'string', 'binary', 'date', 'time', 'timestamp', 'decimal', 'list', 'struct', 'map', 'json'] })
  type: ColumnType;
}

export class DatasetPreviewDto {
  @ApiProperty()
  path: string;

  @ApiProperty({ description: 'The commit id the revision resolved to' })
  revision: string;

  @ApiProperty({ enum: PREVIEW_FORMATS })
  format: PreviewFormat;

  @ApiProperty({ type: [PreviewColumnDto] })
  columns: PreviewColumnDto[];

  @ApiProperty({ description: 'The first rows (at most 100), as objects keyed by column name', type: 'array', items: { type: 'object' } })
  rows: Record<string, unknown>[];

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Rows in the file when the format says so cheaply (Parquet; a text file small enough to be read whole)',
  })
  rowCount: number | null;

  @ApiProperty({ description: 'Whether the file has rows beyond those shown' })
  truncated: boolean;
}
