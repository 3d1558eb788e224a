import { HttpStatus, Injectable } from '@nestjs/common';
import { HubException } from '../common/hub-exception';
import { ObjectStorage } from '../storage/object-storage';
import { HealthRepository } from './health.repository';

@Injectable()
export class HealthService {
  constructor(
    private readonly repository: HealthRepository,
    private readonly storage: ObjectStorage,
  ) {}

  live() {
    return { status: 'ok' };
  }

  async ready() {
    const check = (p: Promise<void>) =>
      p.then(
        () => 'ok' as const,
        () => 'unreachable' as const,
      );
    const [database, objectStorage] = await Promise.all([check(this.repository.ping()), check(this.storage.ping())]);
    if (database !== 'ok' || objectStorage !== 'ok') {
      throw new HubException(HttpStatus.SERVICE_UNAVAILABLE, 'not_ready', `Not ready: database ${database}, object storage ${objectStorage}`);
    }
    return { status: 'ok', database, objectStorage };
  }
}
