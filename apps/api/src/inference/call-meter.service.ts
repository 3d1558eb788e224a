import { Injectable } from '@nestjs/common';
import { CallRecord, CallRecordRepository } from './call-record.repository';

interface Pending {
  record: CallRecord;
  done: () => void;
  failed: (e: unknown) => void;
}

/**
 * Records every call before its answer goes out: `record` resolves once the row is committed, and
 * the controller sends the answer only then, so a call answered 200 is in the usage report even
 * if the process dies the next instant. Calls that finish while a write is in flight share the
 * next write (group commit): one transaction per batch instead of one per call.
 */
@Injectable()
export class CallMeter {
  private queue: Pending[] = [];
  private writing = false;

  constructor(private readonly calls: CallRecordRepository) {}

  record(record: CallRecord): Promise<void> {
    return new Promise((done, failed) => {
      this.queue.push({ record, done, failed });
      if (!this.writing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.writing = true;
    while (this.queue.length) {
      const batch = this.queue.splice(0, 500);
      try {
        await this.calls.insertMany(batch.map((p) => p.record));
        for (const p of batch) p.done();
      } catch (e) {
        for (const p of batch) p.failed(e);
      }
    }
    this.writing = false;
  }
}
