import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsISO8601, IsObject, IsOptional, IsString, MaxLength, Min, MinLength } from 'class-validator';

export class CreateLicenseRequestDto {
  @ApiPropertyOptional({ example: 'acme-ai', description: 'Request for this organization (you must be its admin or owner); absent: for yourself' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(39)
  org?: string;

  @ApiProperty({ example: 1, description: "The terms version you accept: the offer's current termsVersion (409 when outdated)" })
  @IsInt({ message: 'termsVersion must be a whole number' })
  @Min(1)
  termsVersion: number;

  @ApiPropertyOptional({ example: { 'use-case': 'Customer support triage' }, description: "Answers to the offer's questions, by question id" })
  @IsOptional()
  @IsObject({ message: 'answers must be an object of question id → answer' })
  answers?: Record<string, string>;

  @ApiPropertyOptional({ maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  message?: string;
}

export class ApproveRequestDto {
  @ApiPropertyOptional({ example: '2027-12-31T23:59:59Z', description: "When the grant ends (default: the offer's duration, else never)" })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'expiresAt must be an ISO 8601 date-time such as 2027-12-31T23:59:59Z' })
  expiresAt?: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class ReasonDto {
  @ApiProperty({ example: 'Our terms do not cover this field of use', maxLength: 2000 })
  @IsString()
  @MinLength(1, { message: 'reason must not be empty' })
  @MaxLength(2000)
  reason: string;
}

export class CancelRequestDto {
  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}
