import type { AppConfig } from '../../config/config.js';
import { AppError, ErrorCode } from '../../common/errors.js';
import type { FailureRule, FailureStore } from '../../security/rate-limit.store.js';

/**
 * Counts failed logins per client address (not per user name, so the answer never depends on
 * whether an account exists). Once an address reached the limit, every login from it is refused
 * for a while — also with the right password, so a blocked guesser learns nothing.
 */
export class LoginThrottle {
  constructor(
    private readonly rule: FailureRule,
    private readonly store: FailureStore,
    private readonly clock: () => number = Date.now,
  ) {}

  static fromConfig(config: AppConfig, store: FailureStore): LoginThrottle {
    return new LoginThrottle(
      {
        maxFailures: config.LOGIN_MAX_FAILURES,
        windowMs: config.LOGIN_FAILURE_WINDOW_SEC * 1000,
        blockMs: config.LOGIN_BLOCK_SEC * 1000,
      },
      store,
    );
  }

  /** Throws 429 while the address is blocked. */
  async check(address: string): Promise<void> {
    const until = await this.store.blockedUntil(key(address), this.clock());
    if (until) {
      const sec = Math.max(1, Math.ceil((until - this.clock()) / 1000));
      throw new AppError(
        429,
        ErrorCode.TOO_MANY_REQUESTS,
        `Too many failed logins from your address: try again in ${sec} seconds`,
        { retryAfterSec: sec },
      );
    }
  }

  /** Records a failed login; the address is blocked once it reached the limit. */
  async failed(address: string): Promise<void> {
    await this.store.fail(key(address), this.clock(), this.rule);
  }

  async succeeded(address: string): Promise<void> {
    await this.store.reset(key(address));
  }
}

const key = (address: string) => `login:${clientKey(address)}`;

/**
 * The unit that is throttled: an IPv4 address, or an IPv6 /64 — one customer usually holds a
 * whole /64, so counting single IPv6 addresses would let an attacker rotate through millions.
 */
export function clientKey(address: string): string {
  if (!address) return 'unknown';
  const a = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  if (!a.includes(':')) return a;
  const [head = '', tail = ''] = a.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = a.includes('::')
    ? [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t]
    : h;
  return `${groups
    .slice(0, 4)
    .map((g) => (parseInt(g, 16) || 0).toString(16))
    .join(':')}::/64`;
}
