import { Inject, Injectable } from '@nestjs/common';
import bcrypt from 'bcryptjs';
import { randomUUID } from 'node:crypto';
import type { TokenPair, User } from '@bridgeboard/contracts';
import { AppError } from '../../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { TenantRepository, toUser, type UserRow } from '../tenants/tenant.repository.js';
import { JwtService, type AccessClaims, type RefreshClaims } from './jwt.service.js';
import { LoginThrottle } from './login-throttle.js';
import type { SecurityUser } from './security.js';

@Injectable()
export class AuthService {
  /** Compared against when the user does not exist, so timing does not tell who exists;
   *  made with the configured cost, as real hashes are. */
  private readonly dummyHash: string;

  constructor(
    private readonly repo: TenantRepository,
    private readonly jwt: JwtService,
    private readonly throttle: LoginThrottle,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.dummyHash = bcrypt.hashSync(randomUUID(), config.BCRYPT_ROUNDS);
  }

  /** `address` is the client's address, for login throttling. */
  async login(username: string, password: string, address: string): Promise<TokenPair> {
    await this.throttle.check(address);
    const u = await this.repo.findUserByEmail(username);
    const ok = await bcrypt.compare(password, u?.password_hash ?? this.dummyHash);
    if (!u || !u.password_hash || !ok || !u.enabled) {
      await this.throttle.failed(address);
      throw AppError.unauthorized('Invalid username or password');
    }
    await this.throttle.succeeded(address);
    return this.issue(u);
  }

  async issue(u: UserRow): Promise<TokenPair> {
    const token = this.jwt.signAccess({
      sub: u.email,
      userId: u.id,
      tenantId: u.tenant_id,
      scopes: [u.authority],
    });
    const r = this.jwt.signRefresh({ sub: u.email, userId: u.id });
    await this.repo.saveRefresh(r.jti, u.id, r.expiresAt);
    return { token, refreshToken: r.token };
  }

  /** Rotation: each refresh token works once; a reused one revokes the user's other refresh tokens. */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const c = this.jwt.verify<RefreshClaims>(refreshToken, 'refresh');
    const u = await this.repo.findUser(c.userId);
    if (!u || !u.enabled) throw AppError.unauthorized('User no longer exists');
    if (!(await this.repo.consumeRefresh(c.jti))) {
      await this.repo.revokeAllRefresh(u.id);
      throw AppError.unauthorized('Refresh token was already used');
    }
    return this.issue(u);
  }

  /** Checks an access token and that its user still exists. */
  async authenticate(token: string): Promise<SecurityUser> {
    return (await this.session(token)).user;
  }

  /** As authenticate, plus when the token expires (ms since 1970): live connections end then. */
  async session(token: string): Promise<{ user: SecurityUser; expiresAt: number }> {
    const c = this.jwt.verify<AccessClaims>(token, 'access');
    const u = await this.repo.findUser(c.userId);
    if (!u || !u.enabled) throw AppError.unauthorized('User no longer exists');
    return {
      user: { userId: u.id, tenantId: u.tenant_id, authority: u.authority, email: u.email },
      expiresAt: (c.exp ?? Infinity) * 1000,
    };
  }

  /** The ids among `userIds` whose users still exist and are enabled. */
  activeUsers(userIds: string[]): Promise<Set<string>> {
    return this.repo.activeUserIds(userIds);
  }

  async currentUser(s: SecurityUser): Promise<User> {
    const u = await this.repo.findUser(s.userId);
    if (!u) throw AppError.unauthorized('User no longer exists');
    return toUser(u);
  }
}

/** Reads the bearer token from X-Authorization or Authorization. */
export function bearer(headers: Record<string, string | string[] | undefined>): string | null {
  const h = headers['x-authorization'] ?? headers['authorization'];
  const v = Array.isArray(h) ? h[0] : h;
  const m = v && /^Bearer\s+(.+)$/i.exec(v.trim());
  return m ? m[1]! : null;
}
