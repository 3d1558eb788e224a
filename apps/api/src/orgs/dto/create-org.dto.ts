import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ORGANIZATION_KINDS, type OrganizationKind } from '@model-hub/contracts';
import { IsIn, IsOptional, IsString, IsUrl, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';

const NO_CONTROL = /^[^\p{Cc}]*$/u;
/** May be left out but not null: the column always has a value (null clears description and website). */
const OmittableNotNull = () => ValidateIf((_, value) => value !== undefined);

export class CreateOrgDto {
  @ApiProperty({ example: 'acme-ai', description: 'Unique name shared with usernames: 2-39 letters, digits, "-", "_" or "."' })
  @IsString()
  @MinLength(2)
  @MaxLength(39)
  name: string;

  @ApiPropertyOptional({ example: 'ACME AI Lab', maxLength: 100 })
  @OmittableNotNull()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(NO_CONTROL, { message: 'displayName must not contain control characters' })
  displayName?: string;

  @ApiProperty({ enum: ORGANIZATION_KINDS })
  @IsIn(ORGANIZATION_KINDS, { message: `kind must be one of ${ORGANIZATION_KINDS.join(', ')}` })
  kind: OrganizationKind;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional({ example: 'https://acme.example' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { message: 'website must be an http(s) URL' })
  website?: string;
}
