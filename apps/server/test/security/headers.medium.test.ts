import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bearer, startTestPlatform, type TestPlatform } from '../helpers.js';

/** The CSP as a map of directive → sources. */
function csp(header: string | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const part of (header ?? '').split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) out[name] = sources;
  }
  return out;
}

describe('HTTP security headers', () => {
  let p: TestPlatform;
  const web = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-web-'));

  beforeAll(async () => {
    // a stand-in for apps/web/dist: the headers must not depend on whether the web app was built
    fs.mkdirSync(path.join(web, 'assets'));
    fs.writeFileSync(
      path.join(web, 'index.html'),
      '<!doctype html><html><head><script type="module" src="/assets/app.js"></script></head><body><div id="root"></div></body></html>',
    );
    fs.writeFileSync(path.join(web, 'assets', 'app.js'), 'console.log("hi")');
    p = await startTestPlatform({ WEB_DIR: web });
  });
  afterAll(async () => {
    await p?.stop();
    fs.rmSync(web, { recursive: true, force: true });
  });

  const pages: [string, () => Promise<{ status: number; headers: Record<string, string> }>][] = [
    ['the web app (a client route)', () => p.http().get('/devices')],
    ['a web app asset', () => p.http().get('/assets/app.js')],
    ['the API docs', () => p.http().get('/swagger-ui/')],
    ['an API answer', () => p.http().get('/api/tenant/devices?pageSize=1&page=0').set(bearer(p.tenantToken))],
    ['an API refusal (401)', () => p.http().get('/api/tenant/devices?pageSize=1&page=0')],
    ['an unknown API path (404)', () => p.http().get('/api/no-such-thing')],
  ];

  it.each(pages)(
    '%s: the CSP allows only this origin, no framing, nosniff, no referrer',
    async (_name, get) => {
      const r = await get();
      expect(r.status).toBeLessThan(500);
      const c = csp(r.headers['content-security-policy']);
      expect(c['default-src']).toEqual(["'self'"]);
      // no inline or eval'd script: an injected <script> or onerror= does not run
      expect(c['script-src']).toEqual(["'self'"]);
      expect(c['object-src']).toEqual(["'none'"]);
      expect(c['frame-ancestors']).toEqual(["'none'"]);
      expect(c['base-uri']).toEqual(["'self'"]);
      // what the web app needs: emotion/Monaco inline styles, Monaco workers, socket.io on this origin
      expect(c['style-src']).toEqual(["'self'", "'unsafe-inline'"]);
      expect(c['worker-src']).toEqual(["'self'", 'blob:']);
      expect(c['connect-src']).toEqual(["'self'"]);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['x-frame-options']).toBe('DENY');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
      expect(r.headers['x-powered-by']).toBeUndefined();
    },
  );

  it('serves the API docs with scripts from files only, so they run under script-src self', async () => {
    const r = await p.http().get('/swagger-ui/');
    expect(r.status).toBe(200);
    const scripts = [...r.text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    const inline = scripts.filter(([, attrs, body]) => !/\bsrc=/.test(attrs!) && body!.trim());
    expect(inline.map((s) => s[0].slice(0, 80))).toEqual([]);
    const init = await p.http().get('/swagger-ui/swagger-ui-init.js');
    expect(init.status).toBe(200);
  });

  it('keeps the headers on a refused oversized body (413)', async () => {
    const r = await p
      .http()
      .post('/api/device')
      .set(bearer(p.tenantToken))
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ name: 'x'.repeat((p.config.HTTP_MAX_BODY_KB + 1) * 1024) }));
    expect(r.status).toBe(413);
    expect(csp(r.headers['content-security-policy'])['script-src']).toEqual(["'self'"]);
  });
});
