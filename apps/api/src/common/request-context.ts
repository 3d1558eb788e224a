import type { Request } from 'express';
import type { Principal } from './auth/principal';

/** What the hub attaches to every Express request. */
export interface HubRequest extends Request {
  id: string;
  user?: Principal;
}
