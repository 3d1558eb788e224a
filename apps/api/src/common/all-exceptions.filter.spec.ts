import { BadRequestException, Logger, NotFoundException } from '@nestjs/common';
import type { ArgumentsHost } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client';
import { AllExceptionsFilter } from './all-exceptions.filter';
import { HubException } from './hub-exception';

/** Runs the filter on `exception` as if thrown for a request; returns what it answered. */
function answer(exception: unknown, request: { handler?: () => void; body?: unknown; json?: boolean } = {}) {
  const sent = { status: 0, body: undefined as unknown, headers: {} as Record<string, string> };
  const res = {
    headersSent: false,
    // As Node's own: a header value with a line break or past Latin-1 is refused by throwing.
    setHeader: (name: string, value: string) => {
      if (/[^\t\x20-\xff]/.test(value)) throw new TypeError(`Invalid character in header content ["${name}"]`);
      sent.headers[name] = value;
    },
    removeHeader: (name: string) => delete sent.headers[name],
    status: (code: number) => ((sent.status = code), res),
    json: (body: unknown) => ((sent.body = body), res),
    end: () => res,
  };
  const req = { id: 'req-1', body: request.body, is: (types: string[]) => (types.includes('json') && request.json ? 'json' : false) };
  const host = {
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }),
    getHandler: () => request.handler ?? null,
  } as unknown as ArgumentsHost;
  new AllExceptionsFilter().catch(exception, host);
  return sent;
}

const prismaError = (code: string) => new Prisma.PrismaClientKnownRequestError('db said no', { code, clientVersion: '7' });

describe('AllExceptionsFilter', () => {
  it('answers a HubException with its status, code, details and headers', () => {
    const sent = answer(new HubException(429, 'too_many', 'Slow down', { headers: { 'Retry-After': '7' }, details: [{ field: 'a', message: 'b' }] }));
    expect(sent.status).toBe(429);
    expect(sent.body).toEqual({ error: 'Slow down', code: 'too_many', requestId: 'req-1', details: [{ field: 'a', message: 'b' }] });
    expect(sent.headers['Retry-After']).toBe('7');
    expect(sent.headers['X-Error-Message']).toBe('Slow down');
  });

  it.each([
    ['P2002', 409, 'already_exists'],
    ['P2025', 404, 'not_found'],
    ['P2003', 400, 'invalid_reference'],
  ])('maps Prisma %s to %i %s, never 500', (code, status, apiCode) => {
    const sent = answer(prismaError(code));
    expect(sent.status).toBe(status);
    expect(sent.body).toMatchObject({ code: apiCode, requestId: 'req-1' });
  });

  it('answers anything unexpected with a 500 that reveals nothing', () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const sent = answer(new Error('password=hunter2 at /srv/secret.ts'));
    expect(sent.status).toBe(500);
    expect(sent.body).toEqual({ error: 'Internal server error', code: 'internal_error', requestId: 'req-1' });
    expect(answer(prismaError('P1001')).status).toBe(500);
  });

  it('recognises the body parser error Nest rewrote as a BadRequestException', () => {
    const sent = answer(new BadRequestException('Unexpected end of JSON input'), { json: true, body: undefined });
    expect(sent.body).toMatchObject({ code: 'malformed_json', error: 'Malformed JSON in request body: Unexpected end of JSON input' });
  });

  it('does not call a route handler’s own 400, or a bad path encoding, malformed JSON', () => {
    expect(answer(new BadRequestException('no'), { json: true, handler: () => undefined }).body).toMatchObject({ code: 'bad_request' });
    expect(answer(new BadRequestException("Failed to decode param '%FF'"), { json: true, body: {} }).body).toMatchObject({ code: 'bad_request' });
    expect(answer(new BadRequestException("Failed to decode param '%FF'"), { json: false }).body).toMatchObject({ code: 'bad_request' });
  });

  it('puts a message with a lone surrogate in X-Error-Message (encodeURIComponent refuses it)', () => {
    const sent = answer(HubException.notFound("User '\udc00x' not found"));
    expect(sent.status).toBe(404);
    expect(sent.headers['X-Error-Message']).toBe(`User '${encodeURIComponent('\ufffd')}x' not found`);
    expect(sent.body).toMatchObject({ error: "User '\udc00x' not found", code: 'not_found' });
  });

  it('keeps printable ASCII as is in X-Error-Message (clients show it raw) and escapes the rest and %', () => {
    const sent = answer(HubException.badRequest('x', 'Invalid credentials: 100% wrong, café\n'));
    expect(sent.headers['X-Error-Message']).toBe('Invalid credentials: 100%25 wrong, caf%C3%A9%0A');
    expect(decodeURIComponent(sent.headers['X-Error-Message'])).toBe('Invalid credentials: 100% wrong, café\n');
  });

  it('cuts a long X-Error-Message without splitting an escape', () => {
    const sent = answer(HubException.badRequest('x', 'é'.repeat(400)));
    expect(sent.headers['X-Error-Message'].length).toBeLessThanOrEqual(1000);
    expect(() => decodeURIComponent(sent.headers['X-Error-Message'])).not.toThrow();
  });

  it('never throws: when describing the error fails, the answer is still the error shape (500)', () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const sent = answer(new HubException(400, 'bad', 'bad', { headers: { 'X-Broken': 'line\nbreak' } }));
    expect(sent.status).toBe(500);
    expect(sent.body).toEqual({ error: 'Internal server error', code: 'internal_error', requestId: 'req-1' });
  });

  it('names unknown routes', () => {
    const sent = answer(new NotFoundException('Cannot GET /nope'));
    expect(sent.body).toMatchObject({ code: 'route_not_found', error: 'No route GET /nope' });
  });
});
