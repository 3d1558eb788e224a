import { Module } from '@nestjs/common';
import { JobQueueService } from './job-queue.service';

/** The PostgreSQL job queue (pg-boss). Import it where jobs are registered, sent or scheduled. */
@Module({
  providers: [JobQueueService],
  exports: [JobQueueService],
})
export class JobsModule {}
