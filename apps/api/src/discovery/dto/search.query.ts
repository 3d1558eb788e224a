import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ENGINE_SORTS, type EngineSort } from '../search/catalog-types';
import { REPO_KINDS, type RepoKind } from '../../models/repo-kind';

const toList = ({ value }: { value: unknown }) => (value === undefined ? undefined : Array.isArray(value) ? value : [value]);
const toBool = ({ value }: { value: unknown }) => (value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value);
const SUFFIX: Record<string, number> = { k: 1e3, m: 1e6, b: 1e9, g: 1e9, t: 1e12 };
/** `7000000000`, `7e9` or `7B` (k, M, B/G, T; any case). Anything else is left for the validator to refuse. */
const toCount = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const m = /^\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*([kmbgt])?\s*$/i.exec(value);
  return m ? Number(m[1]) * (m[2] ? SUFFIX[m[2].toLowerCase()] : 1) : value;
};

/** `GET /api/v1/search` (docs/discovery.md). */
export class SearchQuery {
  @ApiPropertyOptional({ description: 'Free text (English, Chinese...): names first, then tags and card text; typos in names tolerated' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ enum: REPO_KINDS, default: 'model', description: 'Models (default) or datasets' })
  @IsOptional()
  @IsIn(REPO_KINDS, { message: `kind must be one of ${REPO_KINDS.join(', ')}` })
  kind?: RepoKind;

  @ApiPropertyOptional({ example: 'text-classification' }) @IsOptional() @IsString() @MaxLength(100) task?: string;
  @ApiPropertyOptional({ example: 'transformers' }) @IsOptional() @IsString() @MaxLength(100) library?: string;
  @ApiPropertyOptional({ example: 'apache-2.0', description: "The card's licence identifier" }) @IsOptional() @IsString() @MaxLength(100) license?: string;

  @ApiPropertyOptional({
    description: 'true: only models whose card licence (SPDX table) or a live licence offer allows commercial use; false: only the others',
  })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'commercial must be true or false' })
  commercial?: boolean;

  @ApiPropertyOptional({ description: 'The owning organization (or user)' }) @IsOptional() @IsString() @MaxLength(39) org?: string;

  @ApiPropertyOptional({ description: 'true: only models of verified organizations' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'verified must be true or false' })
  verified?: boolean;

  @ApiPropertyOptional({ isArray: true, type: String, description: 'Card tag; repeatable, every one must match' })
  @IsOptional()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  tag?: string[];

  @ApiPropertyOptional({ example: 'zh' }) @IsOptional() @IsString() @MaxLength(35) language?: string;

  @ApiPropertyOptional({ description: "A dataset card's task category", example: 'text-classification' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  taskCategory?: string;

  @ApiPropertyOptional({ description: "A dataset card's size category", example: '10K<n<100K' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  sizeCategory?: string;

  @ApiPropertyOptional({ description: "A data format of a dataset's files at main", example: 'parquet' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  format?: string;

  @ApiPropertyOptional({ description: 'true: only repositories allowing commercial use while something upstream forbids it (docs/lineage.md)' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'licenseConflict must be true or false' })
  licenseConflict?: boolean;

  @ApiPropertyOptional({ description: 'Fewest parameters (from the safetensors files): 7000000000, 7e9 or 7B' })
  @IsOptional()
  @Transform(toCount)
  @IsNumber({}, { message: 'minParams must be a number such as 7000000000, 7e9 or 7B' })
  @Min(0)
  minParams?: number;

  @ApiPropertyOptional({ description: 'Most parameters' })
  @IsOptional()
  @Transform(toCount)
  @IsNumber({}, { message: 'maxParams must be a number such as 7000000000, 7e9 or 7B' })
  @Min(0)
  maxParams?: number;

  @ApiPropertyOptional({ enum: ENGINE_SORTS, default: 'relevance', description: 'Always descending; relevance without q is the trending order' })
  @IsOptional()
  @IsIn(ENGINE_SORTS, { message: `sort must be one of ${ENGINE_SORTS.join(', ')}` })
  sort?: EngineSort;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' }) @IsOptional() @IsString() @MaxLength(500) cursor?: string;

  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(100)
  limit?: number;
}
