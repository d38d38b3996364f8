/**
 * Browser tests against the built platform, in Debian's Chromium (CHROMIUM_PATH, default /usr/bin/chromium).
 *
 *   pnpm build && pnpm --filter @bridgeboard/e2e test:e2e
 *
 * Starts apps/server/dist/main.js on a fresh database and a free port (see platform.ts), runs the
 * whole guide as ONE test (guide.ts, its steps in steps/), then every scenario in scenarios/*.ts
 * (default export `(ctx) => Promise<unknown>`), each as one test, in name order, in the same tenant.
 * Screenshots go to e2e/screenshots/ (git-ignored). Installs Chromium with apt-get when it is missing.
 * Ends with "N passed, N failed"; exits non-zero when anything failed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { wholeGuideTest } from './guide.js';
import type { E2eTest } from './steps/common.js';
import { ROOT, startPlatform, type Platform } from './platform.js';

const SHOTS = path.join(ROOT, 'e2e/screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** CI machines may lack Chromium: install Debian's package (as root, or through sudo). */
function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  if (process.env.CHROMIUM_PATH) throw new Error(`CHROMIUM_PATH is ${CHROMIUM}, which does not exist`);
  console.log(`${CHROMIUM} is missing: installing it with apt-get install -y chromium`);
  const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  const run = (args: string[]) => {
    const [cmd, ...rest] = [...sudo, ...args];
    execFileSync(cmd!, rest, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  };
  run(['apt-get', 'update']);
  run(['apt-get', 'install', '-y', '--no-install-recommends', 'chromium']);
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium, but ${CHROMIUM} is still missing; set CHROMIUM_PATH`);
}

async function main(): Promise<number> {
  mkdirSync(SHOTS, { recursive: true });
  // failure shots of an earlier run would mislead; the named screens are simply overwritten
  for (const f of readdirSync(SHOTS).filter((n) => n.startsWith('fail-'))) rmSync(path.join(SHOTS, f), { force: true });
  let platform: Platform | null = null;
  let browser: Browser | null = null;
  const started = Date.now();
  let passed = 0;
  let failed = 0;
  const report = (ok: boolean, name: string, ms: number, err?: unknown) => {
    if (ok) passed++;
    else failed++;
    console.log(`${ok ? '✓' : '✗'} ${name} (${ms} ms)${err ? `\n    ${String((err as Error)?.message ?? err).split('\n').slice(0, 6).join('\n    ')}` : ''}`);
  };
  try {
    const t0 = Date.now();
    ensureChromium();
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

    const tests: E2eTest[] = [wholeGuideTest({ page, baseUrl: platform.baseUrl, mqttUrl: platform.mqttUrl, brokerHost: platform.brokerHost, brokerPort: platform.brokerPort, screenshot })];
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

    // Scenarios build on what the guide left in the tenant; each still runs and reports on its own.
    for (const [i, t] of tests.entries()) {
      const s = Date.now();
      try {
        await t.run();
        report(true, t.name, Date.now() - s);
      } catch (e) {
        report(false, t.name, Date.now() - s, e);
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
  console.log(`${passed} passed, ${failed} failed (${Math.round((Date.now() - started) / 1000)} s)`);
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
