import type { IncomingMessage, ServerResponse } from 'node:http';
import { Store, storage } from 'nestjs-pino/storage';
import { pino } from 'pino';
import { type HttpLogger, pinoHttp } from 'pino-http';
import type { HubConfig } from '../config/hub-config';

/**
 * The one pino-http instance of an app: mounted in the Express stack (app.factory.ts), run by the
 * hot routes, and handed to nestjs-pino (`useExisting`), whose PinoLogger writes to its logger.
 */
export function createHttpLogger(config: Pick<HubConfig, 'logLevel'>): HttpLogger {
  if (config.logLevel === 'silent') return silentHttpLogger();
  return pinoHttp({
    level: config.logLevel,
    // The id set by requestIdMiddleware, so every log line of a request carries it.
    genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id: string }).id,
    redact: ['req.headers.authorization', 'req.headers.cookie'],
    autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
  });
}

/** What nestjs-pino's own middleware does after pino-http: the request's logger for the rest of the request. */
export function bindRequestLogger(req: IncomingMessage, _res: ServerResponse, next: () => void): void {
  storage.run(new Store((req as IncomingMessage & { log: HttpLogger['logger'] }).log), next);
}

/**
 * At level `silent` no line is ever written, but pino-http would still build each request's
 * child logger (its bindings serialized, headers redacted): a tenth of a hot call's event loop
 * time (bench/README.md, Inference). The request gets the root logger instead.
 */
function silentHttpLogger(): HttpLogger {
  const logger = pino({ level: 'silent' });
  const middleware = (req: IncomingMessage, res: ServerResponse, next?: () => void) => {
    Object.assign(req, { log: logger });
    Object.assign(res, { log: logger });
    next?.();
  };
  return Object.assign(middleware, { logger });
}
