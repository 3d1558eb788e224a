import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { TokenScope } from '@model-hub/contracts';
import { HubException } from '../hub-exception';
import type { HubRequest } from '../request-context';
import { PUBLIC_ROUTE, REQUIRED_SCOPE } from './auth.decorators';
import { hasScope, Principal } from './principal';

/**
 * The global guard. Every route needs `Authorization: Bearer <jwt or hf_ token>` unless marked
 * @Public(); a token that is sent is always verified (a bad one is 401 even on public routes),
 * and the route's scope is checked: the one it names, else `read` for reads and `write` for
 * everything that changes something.
 */
@Injectable()
export class BearerAuthGuard extends AuthGuard('bearer') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<HubRequest>();
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()]);
    const hasCredentials = Boolean(req.headers.authorization);
    if (!hasCredentials) {
      if (isPublic) return true;
      throw HubException.unauthorized();
    }
    await super.canActivate(context);
    const scope =
      this.reflector.getAllAndOverride<TokenScope>(REQUIRED_SCOPE, [context.getHandler(), context.getClass()]) ?? defaultScope(req.method, isPublic);
    requireScope(req.user!, scope);
    return true;
  }

  override handleRequest<TUser = Principal>(err: unknown, user: TUser | false, info: unknown): TUser {
    if (err) throw err;
    if (!user) {
      const reason = typeof info === 'string' ? info : '';
      throw reason && !reason.startsWith('Bearer') ? HubException.unauthorized(reason) : invalidBearerToken();
    }
    return user;
  }
}

/**
 * The scope a route needs when it names none: `read` for GET and HEAD, and for public routes
 * (open to anyone, so a token's scope cannot matter: login, paths-info, the git-lfs batch API);
 * `write` for every other method, so that a new route that changes something (a like, a
 * notification marked read) cannot be called with a read-only token by omission.
 */
export function defaultScope(method: string, isPublic: boolean): TokenScope {
  return isPublic || method === 'GET' || method === 'HEAD' ? 'read' : 'write';
}

/** The 401 for a bearer credential that was sent but is not (or no longer) valid. */
export const invalidBearerToken = () => HubException.unauthorized('The bearer token is missing, invalid, expired or revoked');

/** 403 `insufficient_scope` unless the principal's token has `scope` (the hot routes apply it too). */
export function requireScope(principal: Principal, scope: TokenScope): void {
  if (!hasScope(principal, scope)) throw HubException.forbidden(`This action needs a token with the '${scope}' scope`, 'insufficient_scope');
}
