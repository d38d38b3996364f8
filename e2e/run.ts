/**
 * Browser tests against the built platform, in Debian's Chromium (CHROMIUM_PATH, default /usr/bin/chromium).
 *
 *   pnpm build && pnpm --filter @bridgeboard/e2e test:e2e
 *
 * Starts apps/server/dist/main.js on a fresh database and a free port (see platform.ts), runs the
 * guide walk-through (guide-uplink.ts), then every scenario in scenarios/*.ts (default export
 * `(ctx) => Promise<unknown>`), each as one test. Screenshots go to e2e/screenshots/ (git-ignored).
 * Ends with "N passed, N failed"; exits non-zero when anything failed.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { guideTests, type E2eTest } from './guide-uplink.js';
import { ROOT, startPlatform, type Platform } from './platform.js';

const SHOTS = path.join(ROOT, 'e2e/screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

async function main(): Promise<number> {
  mkdirSync(SHOTS, { recursive: true });
  // failure shots of an earlier run would mislead; the named screens are simply overwritten
  for (const f of readdirSync(SHOTS).filter((n) => n.startsWith('fail-'))) rmSync(path.join(SHOTS, f), { force: true });
  let platform: Platform | null = null;
  let browser: Browser | null = null;
  let passed = 0;
  let failed = 0;
  const report = (ok: boolean, name: string, ms: number, err?: unknown) => {
    if (ok) passed++;
    else failed++;
    console.log(`${ok ? '✓' : '✗'} ${name} (${ms} ms)${err ? `\n    ${String((err as Error)?.message ?? err).split('\n').slice(0, 6).join('\n    ')}` : ''}`);
  };
  try {
    const t0 = Date.now();
    platform = await startPlatform();
    console.log(`platform up at ${platform.baseUrl} (broker ${platform.mqttUrl}) in ${Date.now() - t0} ms`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const pageErrors: string[] = [];
    let current: Page = page;
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const shooter = (p: Page) => (name: string) => p.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
    const screenshot = shooter(page);

    const tests: E2eTest[] = guideTests({ page, baseUrl: platform.baseUrl, mqttUrl: platform.mqttUrl, brokerHost: platform.brokerHost, brokerPort: platform.brokerPort, screenshot });
    const dir = path.join(ROOT, 'e2e/scenarios');
    for (const f of readdirSync(dir, { withFileTypes: true }).filter((d) => d.isFile() && d.name.endsWith('.ts')).map((d) => d.name).sort()) {
      tests.push({
        name: `scenario ${f.replace(/\.ts$/, '')}`,
        run: async () => {
          const mod = (await import(path.join(dir, f))) as { default?: (ctx: unknown) => Promise<unknown> };
          if (typeof mod.default !== 'function') throw new Error(`scenarios/${f} has no default export function`);
          // each scenario gets its own tab (same session), so one scenario's leftovers cannot break the next
          const own = await context.newPage();
          own.setDefaultTimeout(15_000);
          own.on('pageerror', (e) => pageErrors.push(e.message));
          current = own;
          try {
            await mod.default({ page: own, baseUrl: platform!.baseUrl, mqttUrl: platform!.mqttUrl, screenshot: shooter(own), login: { username: 'tenant@example.com', password: 'tenant' } });
          } finally {
            await own.screenshot({ path: path.join(SHOTS, `scenario-${f.replace(/\.ts$/, '')}-last.png`), fullPage: true }).catch(() => undefined);
            current = page;
            await own.close();
          }
        },
      });
    }

    // The guide's steps build on each other: after a failure the later guide steps cannot pass,
    // so they are reported failed (not skipped) with the reason.
    let guideBroken: string | null = null;
    for (const [i, t] of tests.entries()) {
      const isGuide = !t.name.startsWith('scenario ');
      const s = Date.now();
      if (isGuide && guideBroken) {
        report(false, t.name, 0, `not run: an earlier step failed (${guideBroken})`);
        continue;
      }
      try {
        await t.run();
        report(true, t.name, Date.now() - s);
      } catch (e) {
        report(false, t.name, Date.now() - s, e);
        if (isGuide) guideBroken = t.name;
        await current.screenshot({ path: path.join(SHOTS, `fail-${String(i + 1).padStart(2, '0')}.png`), fullPage: true }).catch(() => undefined);
      }
    }
    if (pageErrors.length) console.log(`uncaught errors in the page:\n  ${pageErrors.slice(0, 5).join('\n  ')}`);
  } catch (e) {
    failed++;
    console.log(`✗ could not run the browser tests: ${(e as Error).message}`);
  } finally {
    await browser?.close().catch(() => undefined);
    if (platform) {
      if (failed) console.log(`last server log lines:\n  ${platform.logs.slice(-15).join('\n  ')}`);
      await platform.stop();
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
