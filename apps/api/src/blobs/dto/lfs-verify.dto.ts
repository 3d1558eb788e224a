import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Matches, Min } from 'class-validator';
import { AcceptsUnknownFields } from '../../common/validation';
import { SHA256_HEX } from '../blob-keys';

/** The git-lfs `verify` action's body. */
@AcceptsUnknownFields()
export class LfsVerifyDto {
  @ApiProperty() @IsString() @Matches(SHA256_HEX, { message: 'oid must be a sha256: 64 lower-case hexadecimal characters' }) oid: string;
  @ApiProperty() @IsInt() @Min(0) size: number;
}
