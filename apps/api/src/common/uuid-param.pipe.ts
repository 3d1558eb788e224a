import { ParseUUIDPipe } from '@nestjs/common';
import { HubException } from './hub-exception';

/** A path parameter that must be a UUID; anything else is a 400 naming the parameter. */
export const uuidParam = (name = 'id') =>
  new ParseUUIDPipe({ exceptionFactory: () => HubException.badRequest('invalid_id', `${name} must be a UUID`, [{ field: name, message: 'must be a UUID' }]) });
