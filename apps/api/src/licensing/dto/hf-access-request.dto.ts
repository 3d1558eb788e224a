import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { AcceptsUnknownFields } from '../../common/validation';
import { HF_ACCESS_STATUSES, type HfAccessStatus } from '../hf-access-requests.service';

/** `POST /api/models/{repo}/user-access-request/grant` (grant_access). */
@AcceptsUnknownFields()
export class HfGrantAccessDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(39) user: string;
}

/** `POST /api/models/{repo}/user-access-request/handle` (accept_ / reject_access_request). */
@AcceptsUnknownFields()
export class HfHandleAccessRequestDto extends HfGrantAccessDto {
  @ApiProperty({ enum: HF_ACCESS_STATUSES }) @IsIn(HF_ACCESS_STATUSES) status: HfAccessStatus;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) rejectionReason?: string;
}
