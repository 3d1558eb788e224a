import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';

export const DEPLOYMENT_BACKENDS = ['embedded', 'remote'] as const;
export type DeploymentBackend = (typeof DEPLOYMENT_BACKENDS)[number];

/** Limits and backend settings; every field has a default. */
export class DeploymentConfigDto {
  @ApiPropertyOptional({ example: 'model.onnx', description: 'Embedded: the .onnx file of the version to serve (default: its only .onnx file)' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  file?: string;

  @ApiPropertyOptional({ default: 2, description: 'Calls that run at once (per hub process)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(256)
  concurrency?: number;

  @ApiPropertyOptional({ default: 16, description: 'Calls that may wait for a slot; the rest get 429 with Retry-After' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000)
  queue?: number;

  @ApiPropertyOptional({ default: 30_000, description: 'A call over this gets 504' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(600_000)
  timeoutMs?: number;

  @ApiPropertyOptional({ default: 8 * 1024 * 1024, description: 'Largest infer request body in bytes (413 beyond)' })
  @IsOptional()
  @IsInt()
  @Min(1024)
  @Max(256 * 1024 * 1024)
  maxRequestBytes?: number;

  @ApiPropertyOptional({ example: 'http://triton.internal:8000', description: 'Remote: the base URL of an Open Inference Protocol server' })
  @IsOptional()
  @IsString()
  @Matches(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, { message: 'config.url must be an absolute http(s) URL such as http://triton.internal:8000' })
  url?: string;

  @ApiPropertyOptional({ example: 'ocr-cls', description: "Remote: the model's name on that server" })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  model?: string;

  @ApiPropertyOptional({ description: 'Remote: a bearer credential sent upstream (stored encrypted, never shown)' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(10_000)
  credential?: string;
}

export class CreateDeploymentDto {
  @ApiProperty({ example: 'v1.0', description: 'The version to serve (immutable, so results are reproducible)' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  version: string;

  @ApiProperty({ enum: DEPLOYMENT_BACKENDS })
  @IsIn(DEPLOYMENT_BACKENDS, { message: `backend must be one of ${DEPLOYMENT_BACKENDS.join(', ')}` })
  backend: DeploymentBackend;

  @ApiPropertyOptional({ type: DeploymentConfigDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => DeploymentConfigDto)
  config?: DeploymentConfigDto;
}
