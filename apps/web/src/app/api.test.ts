import { describe, expect, it, vi } from 'vitest';
import { api, ApiError, onSessionEnd, SESSION_EXPIRED, tokens } from './api';
import { fakeFetch } from '../test/render';

describe('api', () => {
  it('refreshes an expired access token once and retries the call', async () => {
    tokens.set({ token: 'old', refreshToken: 'R' });
    const { calls } = fakeFetch((c) => {
      if (c.url === '/api/auth/token') return [200, { token: 'new', refreshToken: 'R2' }];
      return c.headers['X-Authorization'] === 'Bearer new' ? [200, { ok: 1 }] : [401, { status: 401, message: 'Token has expired', errorCode: 11, timestamp: 1 }];
    });
    expect(await api.get('/api/device/1')).toEqual({ ok: 1 });
    expect(calls.map((c) => c.url)).toEqual(['/api/device/1', '/api/auth/token', '/api/device/1']);
    expect(tokens.refresh).toBe('R2');
  });

  it('ends the session when the refresh token is refused too', async () => {
    tokens.set({ token: 'old', refreshToken: 'R' });
    fakeFetch(() => [401, { status: 401, message: 'Token has expired', errorCode: 11, timestamp: 1 }]);
    const ended = vi.fn();
    const stop = onSessionEnd(ended);
    await expect(api.get('/api/device/1')).rejects.toEqual(new ApiError(401, SESSION_EXPIRED));
    expect(ended).toHaveBeenCalledWith(SESSION_EXPIRED);
    expect(tokens.access).toBeNull();
    stop();
  });

  it('carries the field the server blamed', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    fakeFetch(() => [400, { status: 400, message: 'Invalid configuration.clientConfiguration.host: host is required', errorCode: 30, timestamp: 1, field: 'configuration.clientConfiguration.host' }]);
    const e = (await api.post('/api/integration', {}).catch((x: unknown) => x)) as ApiError;
    expect(e.message).toBe('Invalid configuration.clientConfiguration.host: host is required');
    expect(e.field).toBe('configuration.clientConfiguration.host');
  });
});
