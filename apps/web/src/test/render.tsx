import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { createMemoryRouter, RouterProvider, useLocation } from 'react-router';
import { Providers } from '../app/providers';
import { vi } from 'vitest';

function Where() {
  return <div data-testid="location">{useLocation().pathname}</div>;
}

/** Renders `ui` at `route` inside the app's providers; other paths render their path name so navigation can be asserted. */
export function renderAt(ui: ReactElement, { route = '/', path = route.split('?')[0]!, state }: { route?: string; path?: string; state?: unknown } = {}) {
  const router = createMemoryRouter(
    [
      { path, element: <Providers>{ui}</Providers> },
      { path: '*', element: <Where /> },
    ],
    { initialEntries: [{ pathname: route.split('?')[0]!, search: route.includes('?') ? `?${route.split('?')[1]}` : '', state }] },
  );
  const utils = render(<RouterProvider router={router} />);
  return { ...utils, router };
}

export interface FakeCall {
  method: string;
  url: string;
  body: unknown;
  headers: Record<string, string>;
}

/** A fetch that answers from `handler(call)`: return [status, body] (body JSON-encoded) or throw to simulate a network failure. */
export function fakeFetch(handler: (c: FakeCall) => [number, unknown] | Promise<[number, unknown]>) {
  const calls: FakeCall[] = [];
  const fn = vi.fn(async (url: string, init: RequestInit = {}) => {
    const c: FakeCall = { method: init.method ?? 'GET', url, body: init.body ? JSON.parse(String(init.body)) : undefined, headers: (init.headers ?? {}) as Record<string, string> };
    // the signed-in user, asked for by AuthProvider on every page: answered here and not recorded
    if (c.url === '/api/auth/user') return new Response(JSON.stringify({ email: 'tenant@example.com', authority: 'TENANT_ADMIN' }), { status: 200 });
    calls.push(c);
    const [status, body] = await handler(c);
    return new Response(body === undefined ? '' : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  });
  vi.stubGlobal('fetch', fn);
  return { calls, fn };
}

export const page = <T,>(data: T[], totalElements = data.length) => ({ data, totalPages: Math.ceil(totalElements / 10), totalElements, hasNext: false });
