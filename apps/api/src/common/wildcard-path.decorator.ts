import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/**
 * A `*name` wildcard route parameter as one path string. Express 5 hands wildcards over as the
 * list of (decoded) segments, and a plain `@Param()` would let the global validation pipe turn
 * that list into "a,b"; a custom decorator is not touched by it.
 */
export const WildcardPath = createParamDecorator((name: string, ctx: ExecutionContext): string | undefined => {
  const value = ctx.switchToHttp().getRequest<Request>().params[name] as string | string[] | undefined;
  return Array.isArray(value) ? value.join('/') : value;
});
