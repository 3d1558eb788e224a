import { ApiPropertyOptional } from '@nestjs/swagger';
import { MODEL_VISIBILITIES, type ModelVisibility } from '@model-hub/contracts';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import type { HfGated } from '../model-visibility';

const GATED_VALUES = [false, 'auto', 'manual'];

export class UpdateModelDto {
  @ApiPropertyOptional({ enum: MODEL_VISIBILITIES, description: "'private' keeps the gating mode for later; 'gated' gates with 'auto' unless already gated" })
  @IsOptional()
  @IsIn(MODEL_VISIBILITIES, { message: `visibility must be one of ${MODEL_VISIBILITIES.join(', ')}` })
  visibility?: ModelVisibility;

  @ApiPropertyOptional({ description: 'Invisible (404) to non-members; wins over gated' })
  @IsOptional()
  @IsBoolean({ message: 'private must be true or false' })
  private?: boolean;

  @ApiPropertyOptional({
    oneOf: [
      { type: 'boolean', enum: [false] },
      { type: 'string', enum: ['auto', 'manual'] },
    ],
    description: 'false, "auto" or "manual"',
  })
  @IsOptional()
  @IsIn(GATED_VALUES, { message: 'gated must be false, "auto" or "manual"' })
  gated?: HfGated;
}
