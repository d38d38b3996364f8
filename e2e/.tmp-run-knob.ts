import path from 'node:path';
import { chromium } from 'playwright-core';
import { startPlatform, ROOT } from './platform.js';
import scenario from './scenarios/rpc-knob.js';

const SHOTS = path.join(ROOT, 'e2e/screenshots');
const platform = await startPlatform();
console.log('platform', platform.baseUrl, platform.mqttUrl);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'], headless: true });
try {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => console.log('PAGEERROR', e.message));
  page.on('console', (m) => m.type() === 'error' && console.log('CONSOLE', m.text()));
  const t0 = Date.now();
  try {
    const r = await scenario({ page, baseUrl: platform.baseUrl, mqttUrl: platform.mqttUrl, screenshot: (n) => page.screenshot({ path: path.join(SHOTS, `knob-${n}.png`), fullPage: true }), login: { username: 'tenant@example.com', password: 'tenant' } });
    console.log('PASS', JSON.stringify(r), Date.now() - t0, 'ms');
  } catch (e) {
    console.log('FAIL', (e as Error).message);
    await page.screenshot({ path: path.join(SHOTS, 'knob-fail.png'), fullPage: true });
    console.log(platform.logs.slice(-20).join('\n'));
  }
} finally {
  await browser.close();
  await platform.stop();
}
