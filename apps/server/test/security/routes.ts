import type { INestApplication } from '@nestjs/common';

export interface RouteInfo {
  method: string;
  path: string;
}

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  name?: string;
  handle?: { stack?: Layer[] };
}

/**
 * Every route the running app answers, read from Express's router (Nest registers each
 * controller method there), e.g. {method: 'GET', path: '/api/device/:id'}.
 */
export function listRoutes(app: INestApplication): RouteInfo[] {
  const express = app.getHttpAdapter().getInstance() as {
    router?: { stack: Layer[] };
    _router?: { stack: Layer[] };
  };
  const router = express.router ?? express._router;
  if (!router) throw new Error('Express router not found: cannot enumerate routes');
  const out: RouteInfo[] = [];
  const walk = (stack: Layer[]) => {
    for (const l of stack) {
      if (l.route) {
        const paths = Array.isArray(l.route.path) ? l.route.path : [l.route.path];
        for (const path of paths)
          for (const [m, on] of Object.entries(l.route.methods))
            if (on && m !== '_all') out.push({ method: m.toUpperCase(), path });
      } else if (l.name === 'router' && l.handle?.stack) walk(l.handle.stack);
    }
  };
  walk(router.stack);
  const seen = new Set<string>();
  return out.filter((r) => {
    const k = routeKey(r);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export const routeKey = (r: RouteInfo) => `${r.method} ${r.path}`;
export const hasParam = (r: RouteInfo) => /[:*]/.test(r.path);
