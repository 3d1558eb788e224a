import { ArgumentsHost, Catch, ExceptionFilter, ExecutionContext, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { ApiError } from '@model-hub/contracts';
import type { Response } from 'express';
import { Prisma } from '../generated/prisma/client';
import { HubException } from './hub-exception';
import { LONE_SURROGATES } from './input-rules';
import type { HubRequest } from './request-context';
import { unnamespacedRepoNotFound } from '../hf-compat/unnamespaced-repo';

const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  416: 'range_not_satisfiable',
  422: 'unprocessable',
  429: 'rate_limited',
};

const isUnknownRoute = (e: unknown) => e instanceof HttpException && e.getStatus() === 404 && /^Cannot [A-Z]+ /.test(e.message);

/** Nest's 404 for no route, on a Hugging Face path whose repo id lacks a namespace: RepoNotFound. */
const unknownRouteAsRepoNotFound = (e: unknown, req: HubRequest) => (isUnknownRoute(e) ? unnamespacedRepoNotFound(req.path) : null);

/**
 * Turns every error into the one JSON shape `{error, code, requestId, details?}`. Database
 * constraint errors become 409/404/400; anything unexpected is logged and answered 500.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<HubRequest>();
    const res = ctx.getResponse<Response>();
    try {
      this.answer(exception, host, req, res);
    } catch (failure) {
      // The filter is the last line: whatever went wrong describing the error, the client still
      // gets the one error shape (a 500, the filter's failure being a bug) and the log says why.
      this.logger.error({ err: failure, cause: exception, requestId: req.id }, 'The error filter failed');
      if (res.headersSent) return void res.end();
      res.removeHeader('X-Error-Message');
      res.status(500).json({ error: 'Internal server error', code: 'internal_error', requestId: req.id } satisfies ApiError);
    }
  }

  private answer(exception: unknown, host: ArgumentsHost, req: HubRequest, res: Response): void {
    const { status, body, headers } = this.describe(unknownRouteAsRepoNotFound(exception, req) ?? exception, isMalformedJson(exception, host, req));
    const payload: ApiError = { error: body.error, code: body.code, requestId: req.id, ...(body.details ? { details: body.details } : {}) };
    if (status >= 500) this.logger.error({ err: exception, requestId: req.id }, 'Unhandled error');
    if (res.headersSent) return void res.end();
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    // The Hugging Face clients show X-Error-Message when the body is not JSON (HEAD requests).
    res.setHeader('X-Error-Message', headerText(payload.error));
    res.status(status).json({ ...body.extra, ...payload });
  }

  private describe(
    exception: unknown,
    malformedJson: boolean,
  ): {
    status: number;
    body: { error: string; code: string; details?: ApiError['details']; extra?: Record<string, unknown> };
    headers: Record<string, string>;
  } {
    if (exception instanceof HubException) {
      const headers: Record<string, string> = { ...exception.extras.headers };
      if (exception.extras.hfErrorCode) headers['X-Error-Code'] = exception.extras.hfErrorCode;
      return {
        status: exception.getStatus(),
        body: { error: exception.message, code: exception.code, details: exception.extras.details, extra: exception.extras.body },
        headers,
      };
    }
    if (malformedJson) {
      const message = exception instanceof Error ? exception.message : String(exception);
      return { status: 400, body: { error: `Malformed JSON in request body: ${message}`, code: 'malformed_json' }, headers: {} };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const message = typeof response === 'string' ? response : String((response as { message?: unknown }).message ?? exception.message);
      const isUnknownRoute = status === 404 && /^Cannot (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)/.test(message);
      return {
        status,
        body: {
          error: isUnknownRoute ? `No route ${message.replace(/^Cannot /, '')}` : message,
          code: isUnknownRoute ? 'route_not_found' : (CODE_BY_STATUS[status] ?? 'error'),
        },
        headers: {},
      };
    }
    const bodyParser = exception as { type?: string; status?: number; message?: string; limit?: number };
    if (bodyParser?.type === 'entity.too.large') {
      return { status: 413, body: { error: `Request body is larger than the limit of ${bodyParser.limit} bytes`, code: 'payload_too_large' }, headers: {} };
    }
    if (bodyParser?.status && bodyParser.status >= 400 && bodyParser.status < 500) {
      return {
        status: bodyParser.status,
        body: { error: bodyParser.message ?? 'Bad request', code: CODE_BY_STATUS[bodyParser.status] ?? 'bad_request' },
        headers: {},
      };
    }
    if (exception instanceof Prisma.PrismaClientKnownRequestError) {
      const mapped = mapPrismaError(exception);
      if (mapped) return { status: mapped.status, body: { error: mapped.message, code: mapped.code }, headers: {} };
    }
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, body: { error: 'Internal server error', code: 'internal_error' }, headers: {} };
  }
}

/**
 * A message as a header value: printable ASCII as is, everything else (and `%`) percent-encoded as
 * UTF-8, at most 1,000 characters, cut between characters.
 * Lone surrogates (which `encodeURIComponent` refuses) become U+FFFD first.
 */
export function headerText(message: string): string {
  let encoded = '';
  for (const char of String(message).replace(LONE_SURROGATES, '\ufffd')) {
    // Printable ASCII stays as is: huggingface_hub shows the header raw and compares it with
    // Hugging Face's messages. The rest (and '%', so decodeURIComponent gives the message back) is escaped.
    const next = char >= ' ' && char <= '~' && char !== '%' ? char : encodeURIComponent(char);
    if (encoded.length + next.length > 1000) break;
    encoded += next;
  }
  return encoded;
}

/**
 * Nest turns the body parser's SyntaxError into a plain BadRequestException before any filter sees
 * it, dropping the error's `type`. What still tells it apart: it reaches us from Express's error
 * chain (no route handler), on a JSON request whose body was never set. The other error Nest maps
 * the same way, a bad percent-encoding in the path, comes after the body was parsed.
 */
function isMalformedJson(exception: unknown, host: ArgumentsHost, req: HubRequest): boolean {
  if ((exception as { type?: string } | null)?.type === 'entity.parse.failed') return true;
  if (exception instanceof HubException || !(exception instanceof HttpException) || exception.getStatus() !== 400) return false;
  const handler = (host as Partial<ExecutionContext>).getHandler?.();
  // application/json and the +json types the JSON parser also takes (application/vnd.git-lfs+json).
  return !handler && req.body === undefined && Boolean(req.is(['json', '+json']));
}

function mapPrismaError(e: Prisma.PrismaClientKnownRequestError): { status: number; code: string; message: string } | null {
  switch (e.code) {
    case 'P2002':
      return { status: 409, code: 'already_exists', message: 'A record with the same unique value already exists' };
    case 'P2025':
      return { status: 404, code: 'not_found', message: 'The record does not exist' };
    case 'P2003':
      return { status: 400, code: 'invalid_reference', message: 'The request refers to a record that does not exist' };
    default:
      return null;
  }
}
