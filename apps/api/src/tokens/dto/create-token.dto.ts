import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TOKEN_SCOPES, type TokenScope } from '@model-hub/contracts';
import { ArrayMinSize, ArrayUnique, IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

export class CreateTokenDto {
  @ApiProperty({ example: 'laptop', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(/^[^\p{Cc}]+$/u, { message: 'name must not contain control characters' })
  name: string;

  @ApiProperty({ enum: TOKEN_SCOPES, isArray: true, example: ['read', 'write'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(TOKEN_SCOPES, { each: true, message: `each scope must be one of ${TOKEN_SCOPES.join(', ')}` })
  scopes: TokenScope[];

  @ApiPropertyOptional({ description: 'Restrict the token to act only for this organization (you must be a member)' })
  @IsOptional()
  @IsString()
  @MaxLength(39)
  org?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 3650, description: 'Days until the token expires; omitted = never' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  expiresInDays?: number;
}
