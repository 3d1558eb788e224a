import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MODEL_VISIBILITIES, type ModelVisibility } from '@model-hub/contracts';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { MODEL_NAME_RULES } from '../model-name-rules';

export class CreateModelDto {
  @ApiProperty({ example: 'acme-ai', description: 'Your username or an organization you belong to' })
  @IsString()
  @MaxLength(39)
  namespace: string;

  // Length and characters are checked by the name rules, which say precisely what is wrong.
  @ApiProperty({ example: 'sentiment-zh', description: MODEL_NAME_RULES })
  @IsString()
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({
    enum: MODEL_VISIBILITIES,
    default: 'public',
    description: "'gated': card and tree public, files for members (and later licence holders)",
  })
  @IsOptional()
  @IsIn(MODEL_VISIBILITIES, { message: `visibility must be one of ${MODEL_VISIBILITIES.join(', ')}` })
  visibility?: ModelVisibility;
}
