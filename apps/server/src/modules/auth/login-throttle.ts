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

const key = (address: string) => `login:${address || 'unknown'}`;
