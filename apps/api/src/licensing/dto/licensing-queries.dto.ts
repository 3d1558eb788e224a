import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { AUDIT_ACTIONS, type AuditAction } from '../license-audit.repository';
import { GRANT_STATUSES, type GrantStatus, REQUEST_STATUSES, type RequestStatus } from '../licensing-records';

const isoDate = (name: string) => IsISO8601({ strict: true }, { message: `${name} must be an ISO 8601 date or date-time such as 2026-01-31` });

export class ListRequestsQuery {
  @ApiPropertyOptional({
    enum: ['incoming', 'outgoing'],
    default: 'incoming',
    description: "incoming: for the organization's models; outgoing: made for the organization",
  })
  @IsOptional()
  @IsIn(['incoming', 'outgoing'], { message: 'direction must be incoming or outgoing' })
  direction: 'incoming' | 'outgoing' = 'incoming';

  @ApiPropertyOptional({ enum: REQUEST_STATUSES })
  @IsOptional()
  @IsIn(REQUEST_STATUSES, { message: `status must be one of ${REQUEST_STATUSES.join(', ')}` })
  status?: RequestStatus;
}

/** `GET /me/license-requests`: the requests you made for yourself, or those for the models of your own namespace. */
export class ListMyRequestsQuery {
  @ApiPropertyOptional({
    enum: ['incoming', 'outgoing'],
    default: 'outgoing',
    description: 'outgoing: requests you made for yourself; incoming: requests for the models of your personal namespace',
  })
  @IsOptional()
  @IsIn(['incoming', 'outgoing'], { message: 'direction must be incoming or outgoing' })
  direction: 'incoming' | 'outgoing' = 'outgoing';

  @ApiPropertyOptional({ enum: REQUEST_STATUSES })
  @IsOptional()
  @IsIn(REQUEST_STATUSES, { message: `status must be one of ${REQUEST_STATUSES.join(', ')}` })
  status?: RequestStatus;
}

export class ListGrantsQuery {
  @ApiPropertyOptional({ enum: ['held', 'issued'], default: 'held', description: 'held: grants the organization holds; issued: grants on its models' })
  @IsOptional()
  @IsIn(['held', 'issued'], { message: 'direction must be held or issued' })
  direction: 'held' | 'issued' = 'held';

  @ApiPropertyOptional({ enum: GRANT_STATUSES })
  @IsOptional()
  @IsIn(GRANT_STATUSES, { message: `status must be one of ${GRANT_STATUSES.join(', ')}` })
  status?: GrantStatus;
}

export class AuditQuery {
  @ApiPropertyOptional({ example: '2026-01-01', description: 'From this time on (inclusive)' })
  @IsOptional()
  @isoDate('from')
  from?: string;

  @ApiPropertyOptional({ example: '2026-02-01', description: 'Before this time (exclusive)' })
  @IsOptional()
  @isoDate('to')
  to?: string;

  @ApiPropertyOptional({ enum: AUDIT_ACTIONS })
  @IsOptional()
  @IsIn(AUDIT_ACTIONS, { message: `action must be one of ${AUDIT_ACTIONS.join(', ')}` })
  action?: AuditAction;

  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number = 100;

  @ApiPropertyOptional({ description: "The previous page's nextCursor" })
  @IsOptional()
  @Matches(/^\d{1,19}$/, { message: "cursor must be the previous page's nextCursor" })
  cursor?: string;
}

export class UsageQuery {
  @ApiPropertyOptional({ example: '2026-01-01', description: 'Period start, inclusive (default: 30 days before `to`)' })
  @IsOptional()
  @isoDate('from')
  from?: string;

  @ApiPropertyOptional({ example: '2026-02-01', description: 'Period end, exclusive (default: now)' })
  @IsOptional()
  @isoDate('to')
  to?: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'csv'], { message: 'format must be json or csv' })
  format: 'json' | 'csv' = 'json';

  @ApiPropertyOptional({ enum: ['downloads', 'calls'], default: 'downloads', description: 'CSV: one row per download, or hosted calls per licensee and day' })
  @IsOptional()
  @IsIn(['downloads', 'calls'], { message: 'part must be downloads or calls' })
  part: 'downloads' | 'calls' = 'downloads';

  @ApiPropertyOptional({ description: 'Only this licensee (organization or user name)' })
  @IsOptional()
  @IsString()
  @MaxLength(39)
  licensee?: string;
}
