/**
 * The one way the web app talks to the REST API.
 *
 *   const devices = await api.get<PageData<Device>>('/api/tenant/devices', { pageSize: 10, page: 0 });
 *   await api.post('/api/device', { name: 'SN-001', type: 'sensor' });
 *
 * Adds the access token, refreshes it once on 401 and retries, and turns every failure into an
 * `ApiError` whose `message` is the server's sentence (contracts.md error body) — show it as is.
 * When the refresh token is also refused the session ends: tokens are cleared and
 * `onSessionEnd` listeners run (the app goes back to the login page with a message).
 */
import type { TokenPair } from '@bridgeboard/contracts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errorCode?: number,
    /** The request field the server blamed (zod errors name it), e.g. `configuration.clientConfiguration.host`. */
    readonly field?: string,
    /** 409 because someone else saved the entity since it was loaded (its `version` moved on) */
    readonly staleVersion = false,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const UNREACHABLE = 'The server cannot be reached. Check that Bridgeboard is running, then try again.';
export const SESSION_EXPIRED = 'Your session has expired. Please log in again.';

const ACCESS = 'bb.token';
const REFRESH = 'bb.refreshToken';

export const tokens = {
  get access(): string | null {
    return localStorage.getItem(ACCESS);
  },
  get refresh(): string | null {
    return localStorage.getItem(REFRESH);
  },
  set(pair: TokenPair): void {
    localStorage.setItem(ACCESS, pair.token);
    localStorage.setItem(REFRESH, pair.refreshToken);
    tokenListeners.forEach((l) => l());
  },
  clear(): void {
    localStorage.removeItem(ACCESS);
    localStorage.removeItem(REFRESH);
    tokenListeners.forEach((l) => l());
  },
};

const tokenListeners = new Set<() => void>();
/** Runs when tokens change (login, refresh, logout); the socket reconnects with the new token. */
export function onTokensChanged(l: () => void): () => void {
  tokenListeners.add(l);
  return () => tokenListeners.delete(l);
}

const sessionListeners = new Set<(message: string) => void>();
/** Runs when the server refuses the refresh token (the user must log in again). */
export function onSessionEnd(l: (message: string) => void): () => void {
  sessionListeners.add(l);
  return () => sessionListeners.delete(l);
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

async function toApiError(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  try {
    const b = JSON.parse(text) as { message?: unknown; errorCode?: number; field?: string; staleVersion?: unknown };
    if (typeof b.message === 'string' && b.message) return new ApiError(res.status, b.message, b.errorCode, b.field, b.staleVersion === true);
  } catch {
    // not JSON: a proxy or a server that is starting answered; fall through to a generic sentence
  }
  if (res.status === 502 || res.status === 503 || res.status === 504) return new ApiError(res.status, UNREACHABLE);
  return new ApiError(res.status, `The server answered ${res.status} ${res.statusText}`.trim());
}

async function send(method: string, path: string, body: unknown, token: string | null, signal?: AbortSignal): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers['X-Authorization'] = `Bearer ${token}`;
  try {
    return await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e;
    throw new ApiError(0, UNREACHABLE);
  }
}

let refreshing: Promise<boolean> | null = null;

/** Exchanges the refresh token for a new pair; one request at a time however many calls got 401. */
export function refreshTokens(): Promise<boolean> {
  const rt = tokens.refresh;
  if (!rt) return Promise.resolve(false);
  refreshing ??= (async () => {
    try {
      const res = await send('POST', '/api/auth/token', { refreshToken: rt }, null);
      if (!res.ok) {
        if (res.status === 401 || res.status === 400) endSession(SESSION_EXPIRED);
        return false;
      }
      tokens.set((await res.json()) as TokenPair);
      return true;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

function endSession(message: string): void {
  tokens.clear();
  sessionListeners.forEach((l) => l(message));
}

async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  let res = await send(method, path, body, tokens.access, signal);
  if (res.status === 401 && tokens.refresh && !path.startsWith('/api/auth/')) {
    if (await refreshTokens()) res = await send(method, path, body, tokens.access, signal);
    else throw new ApiError(401, SESSION_EXPIRED);
  } else if (res.status === 401 && !path.startsWith('/api/auth/login')) {
    endSession(SESSION_EXPIRED);
    throw new ApiError(401, SESSION_EXPIRED);
  }
  if (!res.ok) throw await toApiError(res);
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', withQuery(path, query), undefined, signal),
  post: <T>(path: string, body?: unknown, query?: Query) => request<T>('POST', withQuery(path, query), body ?? {}),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, body ?? {}),
  delete: <T = void>(path: string, query?: Query) => request<T>('DELETE', withQuery(path, query)),
};

export async function login(username: string, password: string): Promise<void> {
  const res = await send('POST', '/api/auth/login', { username, password }, null);
  if (!res.ok) throw await toApiError(res);
  tokens.set((await res.json()) as TokenPair);
}

export function logout(): void {
  tokens.clear();
}

/** The message to show for any thrown value: the server's sentence for ApiError. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
