import jwt from 'jsonwebtoken';
import { randomUUID } from 'node:crypto';
import type { Authority } from '@bridgeboard/contracts';
import { AppError, ErrorCode } from '../../common/errors.js';

export interface AccessClaims {
  sub: string; // email
  userId: string;
  tenantId: string | null;
  scopes: Authority[];
  typ: 'access';
  /** expiry, seconds since 1970 (set by signing) */
  exp?: number;
}
export interface RefreshClaims {
  sub: string;
  userId: string;
  jti: string;
  typ: 'refresh';
}

const ALG = 'HS512' as const;
const WEAK_KEYS = ['secret', 'changeme', 'thingsboardDefaultSigningKey', 'bridgeboard', 'password'];

/** Refuses a signing key that is short or well known. */
export function assertStrongKey(key: string): void {
  if (key.length < 32) throw new Error('JWT_SECRET is too short: use at least 32 random characters');
  if (WEAK_KEYS.some((w) => key.toLowerCase().includes(w.toLowerCase())) || /^(.)\1+$/.test(key))
    throw new Error('JWT_SECRET is a well-known or trivial key: use at least 32 random characters');
}

/** Signs and checks tokens; only HS512 is accepted, so `alg: none` and RS/HS confusion fail. */
export class JwtService {
  constructor(
    private readonly key: string,
    private readonly accessTtlSec: number,
    private readonly refreshTtlSec: number,
  ) {
    assertStrongKey(key);
  }

  signAccess(c: Omit<AccessClaims, 'typ'>): string {
    return jwt.sign({ ...c, typ: 'access' }, this.key, { algorithm: ALG, expiresIn: this.accessTtlSec, issuer: 'bridgeboard' });
  }

  signRefresh(c: Omit<RefreshClaims, 'typ' | 'jti'>): { token: string; jti: string; expiresAt: number } {
    const jti = randomUUID();
    const token = jwt.sign({ ...c, jti, typ: 'refresh' }, this.key, {
      algorithm: ALG,
      expiresIn: this.refreshTtlSec,
      issuer: 'bridgeboard',
    });
    return { token, jti, expiresAt: Date.now() + this.refreshTtlSec * 1000 };
  }

  verify<T extends AccessClaims | RefreshClaims>(token: string, typ: T['typ']): T {
    let claims: T;
    try {
      claims = jwt.verify(token, this.key, { algorithms: [ALG], issuer: 'bridgeboard' }) as T;
    } catch (e) {
      if (e instanceof jwt.TokenExpiredError) throw AppError.unauthorized('Token has expired', ErrorCode.JWT_TOKEN_EXPIRED);
      throw AppError.unauthorized('Invalid token');
    }
    if (claims.typ !== typ) throw AppError.unauthorized('Invalid token');
    return claims;
  }
}
