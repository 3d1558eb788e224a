import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { AuthResult } from '@model-hub/contracts';
import { TOKEN_SCOPES } from '@model-hub/contracts';
import { CacheInvalidation } from '../cache/cache-invalidation.service';
import { tag } from '../cache/invalidation-events';
import type { MovingCache } from '../cache/moving-cache';
import type { Principal } from '../common/auth/principal';
import { HubException } from '../common/hub-exception';
import { HUB_CONFIG, ResolvedHubConfig } from '../config/hub-config';
import { NamespaceRepository } from '../namespaces/namespace.repository';
import { assertValidNamespaceName, namespaceKey } from '../namespaces/namespace-rules';
import { TOKEN_PREFIX, TokensService } from '../tokens/tokens.service';
import { presentUser } from '../users/users.service';
import { UserRecord, UserRepository } from '../users/user.repository';
import { LoginDto } from './dto/login.dto';
import { RegisterDto } from './dto/register.dto';
import { LoginRateLimitRepository } from './login-rate-limit.repository';
import { PasswordHasher } from './password-hasher';

interface SessionClaims {
  sub: string;
  typ: 'session';
}

@Injectable()
export class AuthService implements OnApplicationBootstrap {
  /** The accounts behind credentials, by id (every authenticated request needs one). */
  private readonly usersById: MovingCache<UserRecord | null>;

  constructor(
    @Inject(HUB_CONFIG) private readonly config: ResolvedHubConfig,
    private readonly users: UserRepository,
    private readonly namespaces: NamespaceRepository,
    private readonly tokens: TokensService,
    private readonly hasher: PasswordHasher,
    private readonly jwt: JwtService,
    private readonly rateLimit: LoginRateLimitRepository,
    invalidation: CacheInvalidation,
  ) {
    this.usersById = invalidation.movingCache('users', 10_000);
  }

  /** HUB_ADMIN_USERNAME names the administrator even when that account existed before it was set. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.config.adminUsername) await this.users.grantAdmin(this.config.adminUsername);
  }

  async register(dto: RegisterDto): Promise<AuthResult> {
    assertValidNamespaceName(dto.username, 'username');
    if (await this.namespaces.isTaken(dto.username)) {
      throw HubException.conflict(`The name '${dto.username}' is already taken by a user or organization`, 'name_taken');
    }
    if (await this.users.emailTaken(dto.email)) throw HubException.conflict('An account with this email already exists', 'email_taken');
    const adminName = this.config.adminUsername;
    const user = await this.users.create({ username: dto.username, email: dto.email, passwordHash: await this.hasher.hash(dto.password) }, (existingUsers) =>
      adminName ? namespaceKey(adminName) === namespaceKey(dto.username) : existingUsers === 0,
    );
    return this.session(user);
  }

  async login(dto: LoginDto, address: string): Promise<AuthResult> {
    const user = await this.users.findByLogin(dto.login);
    // One counter per account whether the caller types its username or its email; a name that
    // matches no account is counted as typed.
    const account = user ? `user:${user.id}` : `login:${dto.login.toLowerCase()}`;
    const wait = await this.rateLimit.retryAfterSeconds(account, address);
    if (wait > 0) {
      throw new HubException(429, 'too_many_login_attempts', `Too many failed logins; try again in ${wait} seconds`, {
        headers: { 'Retry-After': String(wait) },
      });
    }
    const ok = user ? await this.hasher.verify(user.passwordHash, dto.password) : false;
    if (!user || !ok) {
      await this.rateLimit.recordFailure(account, address);
      throw HubException.unauthorized('Wrong username, email or password');
    }
    await this.rateLimit.clearAccount(account);
    return this.session(user);
  }

  /** Resolves a bearer credential: an `hf_` API token or a session JWT. Null when not valid. */
  async authenticate(bearer: string): Promise<Principal | null> {
    if (bearer.startsWith(TOKEN_PREFIX)) {
      const token = await this.tokens.resolve(bearer);
      if (!token) return null;
      const user = await this.findUser(token.userId);
      if (!user) return null;
      return {
        userId: user.id,
        username: user.username,
        isAdmin: user.isAdmin,
        via: 'token',
        tokenId: token.id,
        tokenName: token.name,
        scopes: token.scopes,
        restrictedToOrgId: token.organizationId ?? undefined,
        restrictedToOrgName: token.organizationName ?? undefined,
      };
    }
    const claims = await this.jwt.verifyAsync<SessionClaims>(bearer).catch(() => null);
    if (!claims || claims.typ !== 'session') return null;
    const user = await this.findUser(claims.sub);
    if (!user) return null;
    return { userId: user.id, username: user.username, isAdmin: user.isAdmin, via: 'session', scopes: [...TOKEN_SCOPES] };
  }

  private findUser(id: string): Promise<UserRecord | null> {
    return this.usersById.get(
      id,
      () => this.users.findById(id),
      (u) => (u ? [tag.user(u.id)] : null),
    );
  }

  private async session(user: UserRecord): Promise<AuthResult> {
    const accessToken = await this.jwt.signAsync({ sub: user.id, typ: 'session' } satisfies SessionClaims);
    const expiresAt = new Date(Date.now() + this.config.jwt.expiresInSeconds * 1000).toISOString();
    return { user: presentUser(user), accessToken, expiresAt };
  }
}
