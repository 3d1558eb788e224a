import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsOptional, IsString, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { AcceptsUnknownFields } from '../../common/validation';

const REPO_TYPES = ['model', 'dataset', 'space'] as const;

export class HfInitialFileDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(1024) path: string;
  @ApiProperty({ description: 'base64' }) @IsString() content: string;
  @ApiPropertyOptional({ enum: ['base64'] }) @IsOptional() @IsIn(['base64']) encoding?: 'base64';
}

/** `POST /api/repos/create` as huggingface_hub and @huggingface/hub send it. */
@AcceptsUnknownFields()
export class HfCreateRepoDto {
  @ApiProperty({ example: 'my-model' }) @IsString() @MinLength(1) @MaxLength(96) name: string;
  @ApiPropertyOptional({ description: 'Namespace (user or organization); defaults to the caller' })
  @IsOptional()
  @IsString()
  @MaxLength(39)
  organization?: string | null;
  @ApiPropertyOptional({ enum: REPO_TYPES }) @IsOptional() @IsIn(REPO_TYPES) type?: (typeof REPO_TYPES)[number];
  @ApiPropertyOptional() @IsOptional() @IsBoolean() private?: boolean | null;
  @ApiPropertyOptional({ enum: ['public', 'private'] }) @IsOptional() @IsIn(['public', 'private']) visibility?: 'public' | 'private';
  @ApiPropertyOptional({ type: [HfInitialFileDto], description: 'Files of the first commit (@huggingface/hub)' })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => HfInitialFileDto)
  files?: HfInitialFileDto[];
}

/** `DELETE /api/repos/delete`. */
@AcceptsUnknownFields()
export class HfDeleteRepoDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(96) name: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(39) organization?: string | null;
  @ApiPropertyOptional({ enum: REPO_TYPES }) @IsOptional() @IsIn(REPO_TYPES) type?: (typeof REPO_TYPES)[number];
}

/** `PUT /api/models/{ns}/{name}/settings`. */
@AcceptsUnknownFields()
export class HfRepoSettingsDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() private?: boolean;
  @ApiPropertyOptional({ enum: ['public', 'private', 'gated'] }) @IsOptional() @IsIn(['public', 'private', 'gated']) visibility?:
    'public' | 'private' | 'gated';
  @ApiPropertyOptional({
    description: 'false, "auto" or "manual"',
    oneOf: [
      { type: 'boolean', enum: [false] },
      { type: 'string', enum: ['auto', 'manual'] },
    ],
  })
  @IsOptional()
  @IsIn([false, 'auto', 'manual'], { message: 'gated must be false, "auto" or "manual"' })
  gated?: false | 'auto' | 'manual';
}

/** `POST /api/validate-yaml`, called by huggingface_hub whenever README.md is committed. */
@AcceptsUnknownFields()
export class HfValidateYamlDto {
  @ApiProperty() @IsString() @MaxLength(1_000_000) content: string;
  @ApiPropertyOptional() @IsOptional() @IsString() repoType?: string;
}

/** `POST /api/repos/move` (huggingface_hub's move_repo). */
@AcceptsUnknownFields()
export class HfMoveRepoDto {
  @ApiProperty({ example: 'acme/old-name' }) @IsString() @MinLength(3) @MaxLength(140) fromRepo: string;
  @ApiProperty({ example: 'acme/new-name' }) @IsString() @MinLength(3) @MaxLength(140) toRepo: string;
  @ApiPropertyOptional({ enum: REPO_TYPES }) @IsOptional() @IsIn(REPO_TYPES) type?: (typeof REPO_TYPES)[number];
}

/** `POST /api/models/{repo}/super-squash/{branch}`. */
@AcceptsUnknownFields()
export class HfSuperSquashDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1000) message?: string;
}
