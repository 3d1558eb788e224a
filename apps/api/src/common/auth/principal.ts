import type { TokenScope } from '@model-hub/contracts';

/** Who is calling, and with what powers. Built by the bearer strategy for every request. */
export interface Principal {
  userId: string;
  username: string;
  isAdmin: boolean;
  /** `session`: a JWT from login (full powers); `token`: a personal API token. */
  via: 'session' | 'token';
  tokenId?: string;
  tokenName?: string;
  scopes: TokenScope[];
  /** A token restricted to one organization may act only for it. */
  restrictedToOrgId?: string;
  restrictedToOrgName?: string;
}

const RANK: Record<TokenScope, number> = { read: 0, write: 1, admin: 2 };

/** Scopes nest: admin includes write, write includes read. */
export function hasScope(principal: Principal, needed: TokenScope): boolean {
  return principal.scopes.some((s) => RANK[s] >= RANK[needed]);
}
