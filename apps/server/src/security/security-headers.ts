import type { NextFunction, Request, Response } from 'express';

/**
 * The Content-Security-Policy of every response. What the built web app and the API docs need, and no more:
 * - scripts only from this origin (Vite emits no inline script; Swagger UI loads swagger-ui-init.js as a file);
 * - inline styles, because MUI/emotion, Monaco and Swagger UI write <style> elements and style attributes;
 * - images and fonts also as data: (Swagger UI's icons, Monaco's codicons) and blob: images (exports);
 * - Monaco's workers are files of this origin (blob: kept for workers that a library builds at run time);
 * - connections to this origin only: REST and socket.io (CSP 3 lets 'self' match ws:/wss: on the same host);
 * - no plugins, no framing by other sites, no <base> or form posts elsewhere.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  // frame-ancestors for current browsers, X-Frame-Options for old ones: no clickjacking through a frame
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** Express middleware setting the security headers on every response (web app, API, API docs). */
export function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
  next();
}
