import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PageLimitQuery } from '../../common/dto/query-params';
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

export class ListDeliveriesQuery extends PageLimitQuery {
  @ApiPropertyOptional({ enum: ['pending', 'delivered', 'failed'] })
  @IsOptional()
  @IsIn(['pending', 'delivered', 'failed'], { message: 'status must be pending, delivered or failed' })
  status?: 'pending' | 'delivered' | 'failed';
}
