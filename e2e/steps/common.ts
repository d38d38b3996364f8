/**
 * What the guide's steps share: the context they run in, assertions, REST and MQTT helpers.
 * A step is one screen of the guide; steps run in order on one page and build on each other.
 */
import { execFile, execFileSync } from 'node:child_process';
import { connectAsync } from 'mqtt';
import type { Page } from 'playwright-core';

export interface GuideContext {
  page: Page;
  baseUrl: string;
  mqttUrl: string;
  brokerHost: string;
  brokerPort: number;
  screenshot: (name: string) => Promise<unknown>;
}

/** What earlier steps leave for later ones. */
export interface GuideState {
  requested: string[];
  uplinkUrl: string;
  downlinkUrl: string;
  integrationUrl: string;
  dashboardUrl: string;
  deviceUrl: string;
}

export interface Step {
  name: string;
  run: (ctx: GuideContext, state: GuideState) => Promise<void>;
}

export interface E2eTest {
  name: string;
  run: () => Promise<void>;
}

export const GUIDE_TOPIC = 'tb/mqtt-integration-tutorial/sensors';
export const TOPIC = `${GUIDE_TOPIC}/SN-001/temperature`;
export const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

export function expect(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}

export const mainNav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();

/** The REST API with the page's session. */
export async function rest(
  page: Page,
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: any }> {
  const token = await page.evaluate(() => localStorage.getItem('bb.token'));
  const r = await page.request.fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'X-Authorization': `Bearer ${token}`, 'Content-Type': 'application/json' },
    data: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status(), json: text ? JSON.parse(text) : undefined };
}

let hasMosquittoPub: boolean | undefined;
export function mosquittoPubInstalled(): boolean {
  if (hasMosquittoPub === undefined) {
    try {
      execFileSync('mosquitto_pub', ['--help'], { stdio: 'ignore' });
      hasMosquittoPub = true;
    } catch (e) {
      // --help exits 1 on some versions; only "not found" means it is missing
      hasMosquittoPub = (e as NodeJS.ErrnoException).code !== 'ENOENT';
    }
  }
  return hasMosquittoPub;
}

/** Publishes as the guide does: `mosquitto_pub -h <host> -p <port> -t <topic> -m <payload>` when installed. */
export async function publish(
  ctx: Pick<GuideContext, 'mqttUrl' | 'brokerHost' | 'brokerPort'>,
  topic: string,
  payload: string,
): Promise<'mosquitto_pub' | 'mqtt.js'> {
  if (mosquittoPubInstalled()) {
    await new Promise<void>((resolve, reject) =>
      execFile(
        'mosquitto_pub',
        ['-h', ctx.brokerHost, '-p', String(ctx.brokerPort), '-q', '1', '-t', topic, '-m', payload],
        { timeout: 10_000 },
        (err, _out, stderr) =>
          err ? reject(new Error(`mosquitto_pub failed: ${stderr || err.message}`)) : resolve(),
      ),
    );
    return 'mosquitto_pub';
  }
  const c = await connectAsync(ctx.mqttUrl, {
    clientId: `e2e-pub-${Math.random().toString(16).slice(2, 10)}`,
    connectTimeout: 5000,
  });
  try {
    await c.publishAsync(topic, payload, { qos: 1 });
  } finally {
    await c.endAsync();
  }
  return 'mqtt.js';
}

/**
 * Replaces the whole text of the Monaco editor on the page, as a user pasting the guide's script
 * does (Ctrl+A, Ctrl+V). Typed text would get Monaco's auto-indent and closing brackets; a paste
 * is inserted as it is. The paste event carries the text, so no clipboard permission is needed.
 */
export async function replaceEditorText(page: Page, text: string): Promise<void> {
  const editor = page.locator('.monaco-editor').first();
  await editor.locator('.view-lines').click();
  await page.keyboard.press('ControlOrMeta+a');
  await editor.locator('textarea').evaluate((el, t) => {
    const data = new DataTransfer();
    data.setData('text/plain', t);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}
