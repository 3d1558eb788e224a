import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import { MAX_COMMIT_DESCRIPTION, MAX_COMMIT_SUMMARY } from '../commit-input-rules';

/**
 * `POST /api/v1/models/{ns}/{name}/commits`. Operations are checked one by one by
 * `parseCommitOperations` (its errors name the operation's index), so the DTO only checks that
 * they are objects.
 */
export class CreateCommitDto {
  @ApiPropertyOptional({ default: 'main', description: 'Branch to commit to' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  branch?: string;

  @ApiPropertyOptional({ description: 'Expected head of the branch (full id or a prefix of 7+ hex characters); 409 parent_mismatch when it moved' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  parentCommit?: string;

  @ApiProperty({ description: 'The commit title' })
  @IsString()
  @MaxLength(MAX_COMMIT_SUMMARY)
  summary: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(MAX_COMMIT_DESCRIPTION)
  description?: string;

  @ApiProperty({
    description:
      "Applied in order: {op:'put', path, contentBase64} | {op:'lfs', path, sha256, size?} | {op:'delete', path} | " +
      "{op:'deleteFolder', path} | {op:'copy', path, fromPath, fromRevision?}",
    type: 'array',
    items: { type: 'object' },
  })
  @IsArray()
  @ArrayMaxSize(1_000_000)
  @IsObject({ each: true, message: 'each operation must be an object' })
  operations: Record<string, unknown>[];
}
