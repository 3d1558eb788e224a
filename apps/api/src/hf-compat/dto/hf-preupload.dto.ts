import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, MaxLength, Min, ValidateNested } from 'class-validator';
import { AcceptsUnknownFields } from '../../common/validation';

@AcceptsUnknownFields()
export class HfPreuploadFileDto {
  @ApiProperty() @IsString() @MaxLength(4096) path: string;
  @ApiProperty() @IsInt() @Min(0) size: number;
  @ApiPropertyOptional({ description: 'base64 of the first 512 bytes' }) @IsOptional() @IsString() @MaxLength(1024) sample?: string;
}

/** `POST /api/models/{repo}/preupload/{rev}`. */
@AcceptsUnknownFields()
export class HfPreuploadDto {
  @ApiProperty({ type: [HfPreuploadFileDto] })
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => HfPreuploadFileDto)
  files: HfPreuploadFileDto[];
  @ApiPropertyOptional({ description: 'Content of the .gitattributes being committed' }) @IsOptional() @IsString() @MaxLength(100_000) gitAttributes?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100_000) gitIgnore?: string;
}
