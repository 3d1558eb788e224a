import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { AcceptsUnknownFields } from '../../common/validation';
import { SHA256_HEX } from '../blob-keys';

@AcceptsUnknownFields()
export class CompletedPartDto {
  @ApiProperty() @IsInt() @Min(1) @Max(10_000) partNumber: number;
  @ApiProperty({ description: "The ETag header of the part's PUT answer" }) @IsString() @MaxLength(200) etag: string;
}

/** The body Hugging Face clients POST to a multipart upload's completion URL. */
@AcceptsUnknownFields()
export class MultipartCompleteDto {
  @ApiProperty() @IsString() @Matches(SHA256_HEX, { message: 'oid must be a sha256: 64 lower-case hexadecimal characters' }) oid: string;

  @ApiProperty({ type: [CompletedPartDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000)
  @ValidateNested({ each: true })
  @Type(() => CompletedPartDto)
  parts: CompletedPartDto[];
}
