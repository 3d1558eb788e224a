import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/**
 * A `*name` wildcard route parameter as one path string. Express 5 hands wildcards over as the
 * list of (decoded) segments, and a plain `@Param()` would let the global validation pipe turn
 * that list into "a,b"; a custom decorator is not touched by it.
 */
export const WildcardPath = createParamDecorator((name: string, ctx: ExecutionContext): string | undefined =>
  joinWildcard(ctx.switchToHttp().getRequest<Request>().params[name]),
);

/** A wildcard parameter's segments as one path (the hot routes read Express's params too). */
export const joinWildcard = (value: unknown): string | undefined => (Array.isArray(value) ? value.join('/') : (value as string | undefined));
