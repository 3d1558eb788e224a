import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { TokenScope } from '@model-hub/contracts';
import type { HubRequest } from '../request-context';
import type { Principal } from './principal';

export const PUBLIC_ROUTE = 'hub:public';
export const REQUIRED_SCOPE = 'hub:scope';

/** Anyone may call; a bearer token, when sent, is still checked and identifies the caller. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The token must carry this scope (sessions have every scope). Default: see defaultScope (bearer-auth.guard.ts). */
export const RequireScope = (scope: TokenScope) => SetMetadata(REQUIRED_SCOPE, scope);

/** The authenticated caller (undefined on public routes called anonymously). */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal | undefined => {
  return ctx.switchToHttp().getRequest<HubRequest>().user;
});
