import { Inject, Injectable } from '@nestjs/common';
import { HUB_CONFIG, ResolvedHubConfig } from '../config/hub-config';
import { currentRequestOrigin } from './request-origin.middleware';

/**
 * The base of every absolute URL the hub returns: PUBLIC_URL when set, else the origin the client
 * called (so a client of http://127.0.0.1:3000 is not sent to http://localhost:3000), else, outside
 * a request, http://localhost:PORT.
 */
@Injectable()
export class HubLinks {
  constructor(@Inject(HUB_CONFIG) private readonly config: ResolvedHubConfig) {}

  origin(): string {
    return this.config.publicUrl ?? currentRequestOrigin() ?? `http://localhost:${this.config.port}`;
  }

  /** `path` (starting with '/') on the hub's origin. */
  to(path: string): string {
    return `${this.origin()}${path}`;
  }
}
