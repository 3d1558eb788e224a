import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsUUID } from 'class-validator';
import { PageLimitQuery, toBooleanQuery } from '../../common/dto/query-params';

export class ListNotificationsQuery extends PageLimitQuery {
  @ApiPropertyOptional({ description: 'Only unread notifications' })
  @IsOptional()
  @Transform(toBooleanQuery)
  @IsBoolean({ message: 'unread must be true or false' })
  unread?: boolean;

  @ApiPropertyOptional({ description: "The previous page's nextCursor" })
  @IsOptional()
  @IsUUID('all', { message: 'cursor must be a notification id' })
  cursor?: string;
}
