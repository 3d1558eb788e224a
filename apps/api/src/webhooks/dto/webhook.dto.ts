import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { HUB_EVENTS, type HubEventName } from '../../common/hub-events';

export class CreateWebhookDto {
  @ApiProperty({ example: 'https://hooks.example.org/model-hub' })
  @IsString()
  @MaxLength(2000)
  url: string;

  @ApiProperty({ enum: HUB_EVENTS, isArray: true, example: ['license.requested', 'license.approved'] })
  @IsArray()
  @ArrayMinSize(1, { message: 'events must name at least one event' })
  @ArrayMaxSize(HUB_EVENTS.length)
  @ArrayUnique({ message: 'events must not repeat an event' })
  @IsIn(HUB_EVENTS, { each: true, message: `each event must be one of ${HUB_EVENTS.join(', ')}` })
  events: HubEventName[];

  @ApiPropertyOptional({ description: 'Signing secret (16-200 printable characters); generated when absent. Shown once.' })
  @IsOptional()
  @IsString()
  @MinLength(16)
  @MaxLength(200)
  @Matches(/^[\x21-\x7e]+$/, { message: 'secret must be printable ASCII without spaces' })
  secret?: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;
}

export class ListDeliveriesQuery {
  @ApiPropertyOptional({ enum: ['pending', 'delivered', 'failed'] })
  @IsOptional()
  @IsIn(['pending', 'delivered', 'failed'], { message: 'status must be pending, delivered or failed' })
  status?: 'pending' | 'delivered' | 'failed';

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit: number = 50;
}
