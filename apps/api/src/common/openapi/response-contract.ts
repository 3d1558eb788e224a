import { RequestMethod } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import type { INestApplication } from '@nestjs/common';
import type { NestContainer } from '@nestjs/core';
import { ApiDefaultResponse, ApiResponse, type OpenAPIObject } from '@nestjs/swagger';
import generated from '../../generated/openapi-responses.json';

/** What scripts/openapi-responses.js read from each handler's return type. */
interface RouteAnswer {
  schema?: { $ref: string };
  /** The handler may also answer bytes (a StreamableFile). */
  bytes?: boolean;
  /** The handler always throws (e.g. versions are immutable). */
  never?: boolean;
}
interface ResponseContract {
  schemas: Record<string, object>;
  routes: Record<string, RouteAnswer>;
}
const contract = generated as unknown as ResponseContract;
// @nestjs/swagger's metadata key for @ApiResponse (its constants are not exported).
const API_RESPONSE = 'swagger/apiResponse';
const errorSchema = { $ref: '#/components/schemas/ApiError' };

/**
 * Declares every route's success answer (from the generated contract) and the shared error shape
 * as its default answer, on the handlers' metadata, before SwaggerModule reads it. Routes that
 * declare their own success answer (`@ApiBytes`) keep it.
 */
export function declareResponses(app: INestApplication): void {
  const container = (app as unknown as { container: NestContainer }).container;
  for (const module of container.getModules().values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller) continue;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const descriptor = Object.getOwnPropertyDescriptor(controller.prototype, name);
        const handler = descriptor?.value as object | undefined;
        if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        // A route newer than the generated file (run `npm run openapi:generate`) gets only the error
        // answer; test/platform/openapi-responses.e2e-spec.ts fails on it.
        const answer = contract.routes[`${controller.name}.${name}`] ?? { never: true };
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod;
        const status = (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ?? (method === RequestMethod.POST ? 201 : 200);
        const declared = (Reflect.getMetadata(API_RESPONSE, handler) ?? {}) as Record<string, { content?: object }>;
        ApiDefaultResponse({ description: 'An error, in the one error shape', schema: errorSchema })(controller.prototype, name, descriptor!);
        if (answer.never) continue;
        const own = declared[String(status)];
        if (answer.schema) {
          const content = { ...own?.content, 'application/json': { schema: answer.schema } };
          ApiResponse({ status, description: own ? 'JSON, or the bytes' : 'OK', content })(controller.prototype, name, descriptor!);
        } else if (!own) {
          ApiResponse({ status, description: 'No body' })(controller.prototype, name, descriptor!);
        }
      }
    }
  }
}

/** The document with the generated schemas under `components.schemas`. */
export function withResponseSchemas(document: OpenAPIObject): OpenAPIObject {
  const components = document.components ?? {};
  return { ...document, components: { ...components, schemas: { ...contract.schemas, ...components.schemas } } };
}
