import { Controller, HttpCode, Param, ParseEnumPipe, Post } from '@nestjs/common';
import { HubException } from '../common/hub-exception';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireScope } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { BlobHousekeepingService, HousekeepingJob, HOUSEKEEPING_JOBS } from './blob-housekeeping.service';

const JOB_NAMES = Object.keys(HOUSEKEEPING_JOBS) as HousekeepingJob[];
// Read by the @Param decorator below (the rule does not see decorator arguments).
// eslint-disable-next-line no-useless-assignment
const jobParam = new ParseEnumPipe(Object.fromEntries(JOB_NAMES.map((j) => [j, j])), {
  exceptionFactory: () => HubException.badRequest('unknown_job', `job must be one of ${JOB_NAMES.join(', ')}`),
});

@ApiTags('admin')
@ApiBearerAuth()
@Controller('api/v1/admin/housekeeping')
export class HousekeepingController {
  constructor(private readonly housekeeping: BlobHousekeepingService) {}

  @RequireScope('admin')
  @Post(':job')
  @HttpCode(200)
  @ApiParam({ name: 'job', enum: JOB_NAMES })
  @ApiOperation({ summary: 'Run a housekeeping job now through the job queue and wait for its report (platform administrator)' })
  run(@CurrentPrincipal() p: Principal, @Param('job', jobParam) job: HousekeepingJob) {
    return this.housekeeping.runForAdmin(p, job);
  }
}
