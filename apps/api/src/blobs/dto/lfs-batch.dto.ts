import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import { AcceptsUnknownFields } from '../../common/validation';

/** Most objects one batch request may name (the Hugging Face clients send at most 100). */
export const MAX_BATCH_OBJECTS = 1000;

/** `POST /{namespace}/{name}.git/info/lfs/objects/batch` (git-lfs batch API). */
@AcceptsUnknownFields()
export class LfsBatchDto {
  @ApiProperty({ enum: ['upload', 'download'] })
  @IsIn(['upload', 'download'], { message: 'operation must be upload or download' })
  operation: 'upload' | 'download';

  @ApiPropertyOptional({ example: ['basic', 'multipart'], description: 'Transfer adapters the client supports; default basic' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  transfers?: string[];

  @ApiPropertyOptional({ example: { name: 'main' } })
  @IsOptional()
  @IsObject()
  ref?: { name?: string };

  /** Checked one by one in the service: a bad object gets its own error, not the whole batch. */
  @ApiProperty({ example: [{ oid: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', size: 0 }] })
  @IsArray()
  @ArrayMaxSize(MAX_BATCH_OBJECTS, { message: `objects may name at most ${MAX_BATCH_OBJECTS} objects per request` })
  objects: unknown[];

  @ApiPropertyOptional({ enum: ['sha256', 'sha_256'] })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  hash_algo?: string;
}
