import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { ApiTokenInfo, CreatedApiToken } from '@model-hub/contracts';
import { CacheInvalidation } from '../cache/cache-invalidation.service';
import { tag } from '../cache/invalidation-events';
import type { MovingCache } from '../cache/moving-cache';
import type { Principal } from '../common/auth/principal';
import { HubException } from '../common/hub-exception';
import { OrgAccessService } from '../orgs/org-access.service';
import { CreateTokenDto } from './dto/create-token.dto';
import { TokenRecord, TokenRepository } from './token.repository';

/** Tokens start with `hf_`: the Hugging Face clients refuse any other. */
export const TOKEN_PREFIX = 'hf_';
const LAST_USED_RESOLUTION_MS = 60_000;

export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

const present = (t: TokenRecord): ApiTokenInfo => ({
  id: t.id,
  name: t.name,
  scopes: t.scopes,
  org: t.organizationName,
  expiresAt: t.expiresAt?.toISOString() ?? null,
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  createdAt: t.createdAt.toISOString(),
});

@Injectable()
export class TokensService {
  /** Live tokens by secret hash (unknown secrets are not kept: guessing must not fill memory). Revocation drops them on every replica. */
  private readonly bySecretHash: MovingCache<TokenRecord | null>;
  /** When this process last recorded each token's use (the cached record's lastUsedAt would not move). */
  private readonly lastTouched = new Map<string, number>();

  constructor(
    private readonly tokens: TokenRepository,
    private readonly orgAccess: OrgAccessService,
    invalidation: CacheInvalidation,
  ) {
    this.bySecretHash = invalidation.movingCache('tokens', 10_000);
  }

  async create(principal: Principal, dto: CreateTokenDto): Promise<CreatedApiToken> {
    // A token may not mint tokens with more power than itself.
    if (principal.via === 'token') {
      this.orgAccess.assertTokenMayActFor(principal, null);
    }
    let organizationId: string | undefined;
    if (dto.org) {
      const org = await this.orgAccess.findOrThrow(dto.org);
      await this.orgAccess.requireRole(principal, org, 'member');
      organizationId = org.id;
    }
    const secret = TOKEN_PREFIX + randomBytes(30).toString('base64url');
    const expiresAt = dto.expiresInDays ? new Date(Date.now() + dto.expiresInDays * 86_400_000) : undefined;
    const record = await this.tokens.create({
      userId: principal.userId,
      name: dto.name,
      secretHash: hashSecret(secret),
      scopes: [...new Set(dto.scopes)],
      organizationId,
      expiresAt,
    });
    return { ...present(record), token: secret };
  }

  async list(principal: Principal): Promise<ApiTokenInfo[]> {
    return (await this.tokens.listForUser(principal.userId)).map(present);
  }

  async revoke(principal: Principal, id: string): Promise<void> {
    if (!(await this.tokens.delete(principal.userId, id))) throw HubException.notFound(`Token '${id}' not found`, 'token_not_found');
  }

  /** The live token behind a secret, or null when unknown, expired or revoked. Records its use. */
  async resolve(secret: string): Promise<TokenRecord | null> {
    const secretHash = hashSecret(secret);
    const token = await this.bySecretHash.get(
      secretHash,
      () => this.tokens.findBySecretHash(secretHash),
      (t) => (t ? [tag.token(t.id), tag.user(t.userId)] : null),
    );
    if (!token) return null;
    const now = new Date();
    // Expiry is read from the clock on every use, so a cached token stops at its expiry exactly.
    if (token.expiresAt && token.expiresAt <= now) return null;
    // One write a minute per token is precise enough and keeps reads from becoming writes.
    const lastUsed = Math.max(token.lastUsedAt?.getTime() ?? 0, this.lastTouched.get(token.id) ?? 0);
    if (now.getTime() - lastUsed > LAST_USED_RESOLUTION_MS) {
      if (this.lastTouched.size >= 10_000) this.lastTouched.clear();
      this.lastTouched.set(token.id, now.getTime());
      await this.tokens.touch(token.id, now);
    }
    return token;
  }
}
