import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { uniqueOperationIds } from './common/openapi/operation-ids';
import { type NextFunction, type Request, type RequestHandler, type Response, json, text, urlencoded } from 'express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { browserSafety } from './common/browser-safety';
import { bindRequestLogger, createHttpLogger } from './common/http-logger';
import { inputGuardMiddleware } from './common/input-guard.middleware';
import { declareResponses, withResponseSchemas } from './common/openapi/response-contract';
import { QuietStartupLogger } from './common/quiet-startup.logger';
import { requestIdMiddleware } from './common/request-id.middleware';
import { hubValidationPipe } from './common/validation';
import { HotRoutes } from './hot-routes/hot-routes';
import { requestOriginMiddleware } from './links/request-origin.middleware';
import { ResolvedHubConfig } from './config/hub-config';
import { isInferRequest } from './inference/infer-route';
import { ObjectStorage } from './storage/object-storage';
import { serveWebApp } from './web/web-app';

/**
 * Builds the hub's Nest application exactly as production runs it: middleware, validation,
 * errors, OpenAPI. `main.ts` and the end-to-end tests both start here.
 */
export async function createApp(config: ResolvedHubConfig): Promise<NestExpressApplication> {
  // One instance of each of these for the Express stack and the hot routes, so both answer alike.
  const httpLogger = createHttpLogger(config);
  const safety = browserSafety(config);
  const filter = new AllExceptionsFilter();
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forConfig(config, httpLogger), { bufferLogs: true, bodyParser: false });
  app.useLogger(new QuietStartupLogger(app.get(Logger)));
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  app.use(requestIdMiddleware);
  app.use(httpLogger);
  for (const handler of safety) app.use(handler);
  // The web marketplace (apps/web/dist) when built: before the routes, for browser navigations only.
  serveWebApp(app);
  // application/*+json too: git-lfs clients send application/vnd.git-lfs+json.
  const parseJson = json({ type: ['application/json', 'application/*+json'], limit: config.bodyLimit });
  // Infer requests are read by their route, under the deployment's own size limit (inference/request-body.ts).
  app.use((req: Request, res: Response, next: NextFunction) => (isInferRequest(req) ? next() : parseJson(req, res, next)));
  // Hugging Face commits are NDJSON with small files inline (base64), so they get a larger limit.
  app.use(text({ type: 'application/x-ndjson', limit: config.commitBodyLimit }));
  app.use(urlencoded({ extended: false, limit: config.bodyLimit }));
  // NUL characters, lone surrogates and deep nesting: a 400 before any route or validation runs.
  app.use(inputGuardMiddleware);
  app.useGlobalPipes(hubValidationPipe);
  app.useGlobalFilters(filter);
  // Resolve requests answered before Express routing and Nest (hot-routes/hot-routes.ts), by the
  // same middleware as above (the web app and the body parsers leave these requests alone) and
  // as the module middleware (request origin, nestjs-pino's request logger; cookies go to Nest).
  app.get(HotRoutes).attach(app, {
    middleware: [requestIdMiddleware, httpLogger as RequestHandler, ...safety, inputGuardMiddleware, requestOriginMiddleware, bindRequestLogger],
    filter,
  });
  // No enableShutdownHooks(): main.ts owns SIGINT/SIGTERM and closes the app once, then the
  // embedded services; Nest's own hooks would close it a second time.

  // Response schemas come from the handlers' return types (scripts/openapi-responses.js).
  declareResponses(app);
  // Built on the first request for it, then kept: scanning every route costs each start ~0.3 s of CPU.
  const document = () =>
    withResponseSchemas(
      uniqueOperationIds(
        SwaggerModule.createDocument(
          app,
          new DocumentBuilder()
            .setOpenAPIVersion('3.1.0')
            .setTitle('Model Hub API')
            .setDescription('Models, versions, weights and licensing between the organizations of a model alliance.')
            .setVersion('0.1.0')
            .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A session JWT from /api/v1/auth/login or an hf_ API token' })
            .build(),
        ),
      ),
    );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json', yamlDocumentUrl: 'openapi.yaml' });

  await app.get(ObjectStorage).ensureBucket();
  return app;
}
