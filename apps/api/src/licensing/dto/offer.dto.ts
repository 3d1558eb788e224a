import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { ACCESS_RIGHTS, type AccessRight } from '../../models/download-grant.port';
import { APPROVAL_MODES, type ApprovalMode, OFFER_KINDS, type OfferKind, PRICE_PERIODS, type PricePeriod } from '../licensing-records';

/** May be left out, but not null (the field always has a value). */
const OmittableNotNull = () => ValidateIf((_, value) => value !== undefined);

export class PriceDto {
  @ApiProperty({ example: '1200', description: 'A decimal amount with at most 4 decimals' })
  @IsString()
  @Matches(/^\d{1,14}(\.\d{1,4})?$/, { message: 'price.amount must be a decimal such as "1200" or "0.002" (at most 4 decimals)' })
  amount: string;

  @ApiProperty({ example: 'EUR', description: 'ISO 4217 currency code' })
  @IsString()
  @Transform(({ value }) => (typeof value === 'string' ? value.toUpperCase() : value))
  @Matches(/^[A-Z]{3}$/, { message: 'price.currency must be a 3-letter ISO 4217 code such as EUR or USD' })
  currency: string;

  @ApiProperty({ enum: PRICE_PERIODS })
  @IsIn(PRICE_PERIODS, { message: `price.period must be one of ${PRICE_PERIODS.join(', ')}` })
  period: PricePeriod;
}

export class QuestionDto {
  @ApiPropertyOptional({ example: 'use-case', description: 'Key of the answer (letters, digits, "-", "_"); q1, q2... when absent' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,40}$/, { message: 'a question id is 1-40 letters, digits, "-" or "_"' })
  id?: string;

  @ApiProperty({ example: 'What will you use the model for?' })
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  text: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  required?: boolean;
}

const LIST = (max: number, itemMax: number, name: string) => [
  IsArray(),
  ArrayMaxSize(max),
  IsString({ each: true }),
  MinLength(1, { each: true, message: `each ${name} must not be empty` }),
  MaxLength(itemMax, { each: true, message: `each ${name} must be at most ${itemMax} characters` }),
];
const apply =
  (decorators: PropertyDecorator[]): PropertyDecorator =>
  (target, key) =>
    decorators.forEach((d) => d(target, key));

export class CallQuotaDto {
  @ApiPropertyOptional({ nullable: true, description: 'Hosted calls per minute and grant (none: unlimited)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  callsPerMinute?: number | null;

  @ApiPropertyOptional({ nullable: true, description: 'Hosted calls per day (UTC) and grant (none: unlimited)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  callsPerDay?: number | null;
}

/** The conditions of an offer: every change to them makes a new terms version. */
export class OfferConditionsDto {
  @ApiPropertyOptional({ description: 'Terms (Markdown): required for custom offers; for open offers the SPDX licence is the terms' })
  @IsOptional()
  @IsString()
  @MaxLength(200_000)
  terms?: string;

  @ApiPropertyOptional({ description: 'Commercial use allowed (default: true for open offers, false for custom ones)' })
  @OmittableNotNull()
  @IsBoolean({ message: 'commercialUse must be true or false' })
  commercialUse?: boolean;

  @ApiPropertyOptional({ type: [String], example: ['research', 'customer-support'] })
  @OmittableNotNull()
  @apply(LIST(50, 100, 'field of use'))
  fieldsOfUse?: string[];

  @ApiPropertyOptional({ type: [String], example: ['EU', 'CH'], description: 'Where the licence holds (empty: worldwide)' })
  @OmittableNotNull()
  @apply(LIST(250, 100, 'territory'))
  territories?: string[];

  @ApiPropertyOptional({
    nullable: true,
    description: 'Seats: distinct users of the licensee who may download or call under one grant (the next gets 403 seat_limit)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  seats?: number | null;

  @ApiPropertyOptional({ nullable: true, description: 'Days a grant lasts from approval (none: until revoked)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(36_500)
  durationDays?: number | null;

  @ApiPropertyOptional({
    type: [String],
    enum: ACCESS_RIGHTS,
    description: 'What a grant allows: download the files, call the hosted deployments (inference), or both (default: download)',
  })
  @OmittableNotNull()
  @IsArray()
  @ArrayMinSize(1, { message: 'rights must name at least one of download, inference' })
  @IsIn(ACCESS_RIGHTS, { each: true, message: `each right must be one of ${ACCESS_RIGHTS.join(', ')}` })
  rights?: AccessRight[];

  @ApiPropertyOptional({ type: CallQuotaDto, nullable: true, description: 'Hosted-inference quotas per grant; 429 with Retry-After beyond them' })
  @IsOptional()
  @ValidateNested()
  @Type(() => CallQuotaDto)
  quota?: CallQuotaDto | null;

  @ApiPropertyOptional({ type: PriceDto, nullable: true, description: 'Recorded and shown; no payment is processed (per-call: owed per answered call)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => PriceDto)
  price?: PriceDto | null;
}

/** Fields both creation and update take. */
export class OfferFieldsDto extends OfferConditionsDto {
  @ApiPropertyOptional({ maxLength: 5000 })
  @OmittableNotNull()
  @IsString()
  @MaxLength(5000)
  description?: string;

  @ApiPropertyOptional({ example: 'apache-2.0', description: 'SPDX licence id (open offers)' })
  @OmittableNotNull()
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9.+-]{0,63}$/, { message: 'spdxId must be an SPDX licence id such as apache-2.0 or MIT' })
  spdxId?: string;

  @ApiPropertyOptional({ enum: APPROVAL_MODES, description: 'auto: granted at once; manual: an administrator of the model approves (makes the model gated)' })
  @OmittableNotNull()
  @IsIn(APPROVAL_MODES, { message: `approval must be one of ${APPROVAL_MODES.join(', ')}` })
  approval?: ApprovalMode;

  @ApiPropertyOptional({ type: [QuestionDto], description: 'Questions a requester must answer' })
  @OmittableNotNull()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => QuestionDto)
  questions?: QuestionDto[];
}

export class CreateOfferDto extends OfferFieldsDto {
  @ApiProperty({ enum: OFFER_KINDS, description: 'open: an SPDX licence, granted at once; custom: your own terms' })
  @IsIn(OFFER_KINDS, { message: `kind must be one of ${OFFER_KINDS.join(', ')}` })
  kind: OfferKind;

  @ApiProperty({ example: 'Commercial licence' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title: string;
}

/** Every field optional; the kind cannot change. Any change to the terms or conditions makes a new terms version. */
export class UpdateOfferDto extends OfferFieldsDto {
  @ApiPropertyOptional({ example: 'Commercial licence' })
  @OmittableNotNull()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title?: string;
}
