import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { AcceptsUnknownFields } from '../../common/validation';

const toList = ({ value }: { value: unknown }) => (value === undefined ? undefined : Array.isArray(value) ? value : [value]);
const toBool = ({ value }: { value: unknown }) =>
  value === 'true' || value === '1' || value === true ? true : value === 'false' || value === '0' || value === false ? false : value;

/** The `expand` values Hugging Face accepts for models (huggingface_hub's ExpandModelProperty_T). */
export const HF_MODEL_EXPAND = [
  'author',
  'baseModels',
  'cardData',
  'childrenModelCount',
  'config',
  'createdAt',
  'disabled',
  'downloads',
  'downloadsAllTime',
  'gated',
  'gguf',
  'inference',
  'inferenceProviderMapping',
  'lastModified',
  'library_name',
  'likes',
  'mask_token',
  'model-index',
  'pipeline_tag',
  'private',
  'resourceGroup',
  'safetensors',
  'sha',
  'siblings',
  'spaces',
  'tags',
  'transformersInfo',
  'trendingScore',
  'usedStorage',
  'widgetData',
];
/** The extra `expand` values for datasets (huggingface_hub's ExpandDatasetProperty_T); one DTO serves both prefixes. */
export const HF_DATASET_EXPAND = ['citation', 'description', 'paperswithcode_id', 'xetEnabled'];
const HF_EXPAND = [...HF_MODEL_EXPAND, ...HF_DATASET_EXPAND];
const expandMessage = `expand must be one of: ${HF_EXPAND.join(', ')}`;

/** `GET /api/models` query, as both Hugging Face clients send it. */
@AcceptsUnknownFields()
export class HfListModelsQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) search?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(39) author?: string;
  @ApiPropertyOptional({ isArray: true, type: String, description: 'Repeatable; every tag must match' })
  @IsOptional()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  filter?: string[];
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) pipeline_tag?: string;
  @ApiPropertyOptional({ enum: ['downloads', 'likes', 'lastModified', 'createdAt', 'trendingScore'] })
  @IsOptional()
  @IsIn(['downloads', 'likes', 'lastModified', 'createdAt', 'trendingScore', 'last_modified', 'created_at'])
  sort?: string;
  @ApiPropertyOptional({ default: 50, maximum: 1000 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
  @ApiPropertyOptional({ description: 'Include siblings' }) @IsOptional() @Transform(toBool) @IsBoolean() full?: boolean;
  @ApiPropertyOptional({ isArray: true, enum: HF_MODEL_EXPAND })
  @IsOptional()
  @Transform(toList)
  @IsArray()
  @IsIn(HF_EXPAND, { each: true, message: expandMessage })
  expand?: string[];
  @ApiPropertyOptional({ description: 'Opaque cursor from the Link header' }) @IsOptional() @IsString() @MaxLength(500) cursor?: string;
}

/** `GET /api/models/{repo}[/revision/{rev}]` query (model_info). */
@AcceptsUnknownFields()
export class HfModelInfoQuery {
  @ApiPropertyOptional({ description: 'Sizes, blob ids and LFS details of the siblings (files_metadata=True)' }) @IsOptional() @IsString() blobs?: string;
  @ApiPropertyOptional({ isArray: true, enum: HF_MODEL_EXPAND })
  @IsOptional()
  @Transform(toList)
  @IsArray()
  @IsIn(HF_EXPAND, { each: true, message: expandMessage })
  expand?: string[];
}

/** `GET /api/models/{repo}/tree/{rev}/{path}` query. */
@AcceptsUnknownFields()
export class HfTreeQuery {
  @ApiPropertyOptional() @IsOptional() @Transform(toBool) @IsBoolean() recursive?: boolean;
  @ApiPropertyOptional() @IsOptional() @Transform(toBool) @IsBoolean() expand?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) cursor?: string;
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(10_000) limit?: number;
}

/** `GET /api/models/{repo}/commits/{rev}` query. */
@AcceptsUnknownFields()
export class HfCommitsQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) cursor?: string;
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
  @ApiPropertyOptional({ description: 'Page number (huggingface_hub); only p=0 without cursor' }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) p?: number;
}

/** `POST /api/models/{repo}/paths-info/{rev}` body. */
@AcceptsUnknownFields()
export class HfPathsInfoDto {
  @ApiPropertyOptional({ isArray: true, type: String }) @Transform(toList) @IsArray() @ArrayMaxSize(10_000) @IsString({ each: true }) paths: string[];
  @ApiPropertyOptional() @IsOptional() @Transform(toBool) @IsBoolean() expand?: boolean;
}

/** `POST /api/models/{repo}/tag/{rev}` body. */
@AcceptsUnknownFields()
export class HfCreateTagDto {
  @ApiPropertyOptional() @IsString() @MaxLength(200) tag: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100_000) message?: string;
}

/** `POST /api/models/{repo}/branch/{branch}` body. */
@AcceptsUnknownFields()
export class HfCreateBranchDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) startingPoint?: string;
}
