import { HttpException, HttpStatus } from '@nestjs/common';

export interface FieldProblem {
  field: string;
  message: string;
}

/** Error codes the Hugging Face clients read from `X-Error-Code`. */
export type HfErrorCode = 'RepoNotFound' | 'RevisionNotFound' | 'EntryNotFound' | 'GatedRepo';

/**
 * The one exception services throw: an HTTP status, a stable machine `code`, the human message
 * (`error` in the body) and, for validation problems, the fields at fault.
 */
export class HubException extends HttpException {
  constructor(
    status: HttpStatus,
    readonly code: string,
    message: string,
    readonly extras: { details?: FieldProblem[]; hfErrorCode?: HfErrorCode; headers?: Record<string, string>; body?: Record<string, unknown> } = {},
  ) {
    super(message, status);
  }

  static badRequest(code: string, message: string, details?: FieldProblem[]) {
    return new HubException(HttpStatus.BAD_REQUEST, code, message, { details });
  }
  static unauthorized(message = 'Authentication required: send Authorization: Bearer <token>') {
    return new HubException(HttpStatus.UNAUTHORIZED, 'unauthorized', message);
  }
  static forbidden(message: string, code = 'forbidden') {
    return new HubException(HttpStatus.FORBIDDEN, code, message);
  }
  static notFound(message: string, code = 'not_found', hfErrorCode?: HfErrorCode) {
    return new HubException(HttpStatus.NOT_FOUND, code, message, { hfErrorCode });
  }
  static conflict(message: string, code = 'conflict') {
    return new HubException(HttpStatus.CONFLICT, code, message);
  }
}
