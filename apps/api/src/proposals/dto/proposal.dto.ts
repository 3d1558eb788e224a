import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { AcceptsUnknownFields } from '../../common/validation';

const TEXT = 65_536;
const toBool = ({ value }: { value: unknown }) =>
  value === 'true' || value === '1' || value === true ? true : value === 'false' || value === '0' || value === false ? false : value;

/** GET .../discussions, as huggingface_hub's get_repo_discussions sends it. */
@AcceptsUnknownFields()
export class HfDiscussionsQuery {
  @ApiPropertyOptional({ description: 'Page (50 a page), from 0' }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(100_000) p?: number;
  @ApiPropertyOptional({ enum: ['all', 'discussion', 'pull_request'] }) @IsOptional() @IsIn(['all', 'discussion', 'pull_request']) type?:
    'all' | 'discussion' | 'pull_request';
  @ApiPropertyOptional({ enum: ['all', 'open', 'closed'] }) @IsOptional() @IsIn(['all', 'open', 'closed']) status?: 'all' | 'open' | 'closed';
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) author?: string;
}

@AcceptsUnknownFields()
export class HfDiscussionDetailsQuery {
  @ApiPropertyOptional({ description: '1: include the git-style diff of a pull request' }) @IsOptional() @Transform(toBool) @IsBoolean() diff?: boolean;
}

@AcceptsUnknownFields()
export class HfCreateDiscussionDto {
  @ApiProperty() @IsString() @MaxLength(200) title!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT) description?: string;
  @ApiPropertyOptional({ description: 'A pull request (a draft until a commit lands on refs/pr/N)' }) @IsOptional() @IsBoolean() pullRequest?: boolean;
}

@AcceptsUnknownFields()
export class HfCommentDto {
  @ApiProperty() @IsString() @MaxLength(TEXT) comment!: string;
}

@AcceptsUnknownFields()
export class HfStatusDto {
  @ApiProperty({ enum: ['open', 'closed'] }) @IsIn(['open', 'closed']) status!: 'open' | 'closed';
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT) comment?: string;
}

@AcceptsUnknownFields()
export class HfTitleDto {
  @ApiProperty() @IsString() @MaxLength(200) title!: string;
}

@AcceptsUnknownFields()
export class HfEditCommentDto {
  @ApiProperty() @IsString() @MaxLength(TEXT) content!: string;
}

@AcceptsUnknownFields()
export class HfMergeDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT) comment?: string;
}

/** Native API: a list page. */
export class ProposalListQuery {
  @ApiPropertyOptional({ description: 'Page (50 a page), from 0' }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(100_000) page?: number;
  @ApiPropertyOptional({ enum: ['all', 'discussion', 'pull_request'] }) @IsOptional() @IsIn(['all', 'discussion', 'pull_request']) type?:
    'all' | 'discussion' | 'pull_request';
  @ApiPropertyOptional({ enum: ['all', 'open', 'closed', 'draft', 'merged'] }) @IsOptional() @IsIn(['all', 'open', 'closed', 'draft', 'merged']) status?:
    'all' | 'open' | 'closed' | 'draft' | 'merged';
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) author?: string;
}

export class ProposalCommentDto {
  @ApiProperty() @IsString() @MaxLength(TEXT) comment!: string;
}

export class ProposalReviewDto {
  @ApiProperty({ enum: ['approved', 'changes_requested'] }) @IsIn(['approved', 'changes_requested']) state!: 'approved' | 'changes_requested';
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT) comment?: string;
}

export class ProposalMergeDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT) comment?: string;
  @ApiPropertyOptional({ description: 'Publish this version (immutable) on the merge commit in the same step', example: 'v1.2.0' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  version?: string;
  @ApiPropertyOptional({ description: "The version's release notes" }) @IsOptional() @IsString() @MaxLength(100_000) notes?: string;
}

export class ProposalStatusCommentDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT) comment?: string;
}

export class ProposalSettingsDto {
  @ApiProperty({ enum: ['anyone', 'verified_organizations', 'members'] }) @IsIn(['anyone', 'verified_organizations', 'members']) whoMayPropose!:
    'anyone' | 'verified_organizations' | 'members';
  @ApiProperty({ minimum: 0, maximum: 20 }) @IsInt() @Min(0) @Max(20) requiredApprovals!: number;
}
