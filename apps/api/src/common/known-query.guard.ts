import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { HubException } from './hub-exception';
import { printable } from './printable';

const ACCEPTS_UNKNOWN_QUERY = 'hub:acceptsUnknownQuery';

/**
 * Marks a controller (or route) whose clients send query parameters this hub has no use for: the
 * Hugging Face routes, which `huggingface_hub` calls with `expand`, `securityStatus`... .
 */
export const AcceptsUnknownQuery = () => SetMetadata(ACCEPTS_UNKNOWN_QUERY, true);

/** What a route declares about its query: taken whole by a DTO (the validation pipe judges it), or these names. */
type QueryDeclaration = { wholeDto: true } | { names: Set<string> };

/**
 * The global guard that refuses query parameters a route does not declare, so that a misspelt
 * `?revison=` is a 400 and not a silently ignored value. A route that takes its query as a DTO
 * (`@Query() q: SomeQuery`) is left to the validation pipe, which refuses unknown fields of every
 * DTO; one that takes single parameters (`@Query('token')`) or none is checked here.
 */
@Injectable()
export class KnownQueryGuard implements CanActivate {
  private readonly declarations = new WeakMap<object, QueryDeclaration>();

  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const handler = context.getHandler();
    if (this.reflector.getAllAndOverride<boolean>(ACCEPTS_UNKNOWN_QUERY, [handler, context.getClass()])) return true;
    const declared = this.declarationOf(context);
    if ('wholeDto' in declared) return true;
    const query = context.switchToHttp().getRequest<Request>().query as Record<string, unknown>;
    const unknown = Object.keys(query).filter((name) => !declared.names.has(name));
    if (!unknown.length) return true;
    const takes = declared.names.size ? `it takes ${[...declared.names].join(', ')}` : 'it takes none';
    const message = `Unknown query parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${printable(n)}'`).join(', ')} for this route (${takes})`;
    throw HubException.badRequest(
      'unknown_query_parameter',
      message,
      unknown.map((n) => ({ field: n, message: 'unknown query parameter' })),
    );
  }

  private declarationOf(context: ExecutionContext): QueryDeclaration {
    const handler = context.getHandler();
    let declared = this.declarations.get(handler);
    if (!declared) {
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ?? {}) as Record<string, { data?: unknown }>;
      const queries = Object.entries(args)
        .filter(([key]) => Number(key.split(':')[0]) === RouteParamtypes.QUERY)
        .map(([, arg]) => arg.data);
      declared = queries.some((data) => data === undefined) ? { wholeDto: true } : { names: new Set(queries.map(String)) };
      this.declarations.set(handler, declared);
    }
    return declared;
  }
}
