import path from 'node:path';
import { chromium } from 'playwright-core';
import { startPlatform, ROOT } from './platform.js';
import { xssScenario } from './scenarios/xss.js';
const platform = await startPlatform();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'], headless: true });
try {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  page.setDefaultTimeout(15000);
  const r = await xssScenario({ page, baseUrl: platform.baseUrl, mqttUrl: platform.mqttUrl, screenshot: (n) => page.screenshot({ path: path.join('/tmp/xss-shots', `${n}.png`), fullPage: true }), login: { username: 'tenant@example.com', password: 'tenant' } });
  console.log('OK', r);
} catch (e) { console.log('FAILED', (e as Error).message); } finally { await browser.close(); await platform.stop(); }
