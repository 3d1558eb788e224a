import { HttpStatus } from '@nestjs/common';
import { HubException } from '../common/hub-exception';

/**
 * Hugging Face answers a commit whose `parentCommit` is no longer the branch head with 412
 * Precondition Failed (the native route keeps 409 `parent_mismatch`); same code and message.
 */
export function asHfCommitError(error: unknown): never {
  if (error instanceof HubException && error.code === 'parent_mismatch') {
    throw new HubException(HttpStatus.PRECONDITION_FAILED, error.code, error.message, error.extras);
  }
  throw error;
}
