/**
 * Issue 6: the guide's uplink path walked through in the browser, one test per screen —
 * log in, create the guide's uplink converter, test it with the guide's payload and topic,
 * create the integration, publish to the broker, and watch SN-001 with temperature 25.1
 * appear WITHOUT reloading the page. The tests run in order and share one page.
 */
import { connectAsync } from 'mqtt';
import type { Page, Request } from 'playwright-core';

export interface GuideContext {
  page: Page;
  baseUrl: string;
  mqttUrl: string;
  brokerHost: string;
  brokerPort: number;
  screenshot: (name: string) => Promise<unknown>;
}

export interface E2eTest {
  name: string;
  run: () => Promise<void>;
}

const TOPIC = 'tb/mqtt-integration-tutorial/sensors/SN-001/temperature';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const HEAVY = /MonacoEditor|editor\.api|ts\.worker|TelemetryChartTab/;

function expect(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}

async function publish(mqttUrl: string, topic: string, payload: string): Promise<void> {
  const c = await connectAsync(mqttUrl, { clientId: `e2e-pub-${Math.random().toString(16).slice(2, 10)}`, connectTimeout: 5000 });
  try {
    await c.publishAsync(topic, payload, { qos: 1 });
  } finally {
    await c.endAsync();
  }
}

export function guideTests(ctx: GuideContext): E2eTest[] {
  const { page, screenshot } = ctx;
  const requested: string[] = [];
  page.on('request', (r: Request) => requested.push(r.url()));
  let converterUrl = '';

  return [
    {
      name: 'logs in with the tenant account and lands on Devices',
      run: async () => {
        await page.goto(ctx.baseUrl);
        await page.waitForURL(/\/login$/);
        await page.getByLabel('Email').fill('tenant@example.com');
        await page.getByLabel('Password').fill('tenant');
        await screenshot('01-login');
        await page.getByRole('button', { name: 'Log in' }).click();
        await page.waitForURL(/\/devices$/);
        await page.getByRole('heading', { name: 'Devices', exact: true }).waitFor();
        await page.getByText('No devices yet').waitFor();
        await screenshot('02-devices-empty');
      },
    },
    {
      name: 'loads neither Monaco nor the chart on the devices page',
      run: async () => {
        const heavy = requested.filter((u) => HEAVY.test(u));
        expect(heavy.length === 0, `the devices page fetched ${heavy.join(', ')}`);
      },
    },
    {
      name: "creates the guide's uplink converter from the guide's script",
      run: async () => {
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Data converters' }).click();
        await page.getByText('No data converters yet').waitFor();
        await page.getByRole('button', { name: '+ Add converter' }).click();
        await page.getByRole('menuitem', { name: 'Uplink converter' }).click();
        await page.getByRole('textbox', { name: 'Name', exact: true }).fill('MQTT Uplink');
        // Monaco renders its lines progressively: wait for the guide's helper to show up
        const hasGuideScript = await page
          .waitForFunction(() => /Decoder[\s\S]*decodeToString/.test(document.querySelector('.monaco-editor .view-lines')?.textContent ?? ''), undefined, { timeout: 30_000 })
          .then(() => true, () => false);
        const code = (await page.locator('.monaco-editor .view-lines').textContent()) ?? '';
        expect(hasGuideScript, `the editor does not hold the guide's decoder: ${code.slice(0, 200)}`);
        expect(requested.some((u) => /MonacoEditor|editor\.api/.test(u)), 'Monaco was not loaded lazily on the converter page');
        await page.getByRole('button', { name: 'Add', exact: true }).click();
        await page.waitForURL(new RegExp(`/converters/${UUID}$`));
        converterUrl = page.url();
        await page.getByText('Converter MQTT Uplink saved').waitFor();
        await screenshot('03-converter-created');
      },
    },
    {
      name: "tests the decoder with the guide's payload and topic and sees SN-001 and 25.1",
      run: async () => {
        await page.getByLabel('Payload', { exact: true }).fill('{"value":25.1}');
        await page.getByLabel('Metadata key 1', { exact: true }).fill('topic');
        await page.getByLabel('Metadata value 1', { exact: true }).fill(TOPIC);
        await page.getByRole('button', { name: 'Test decoder function' }).click();
        const out = page.getByLabel('Output', { exact: true });
        await out.waitFor({ timeout: 15_000 });
        const text = await out.innerText();
        expect(text.includes('"SN-001"') && text.includes('25.1'), `the output lacks SN-001 or 25.1: ${text}`);
        await screenshot('04-converter-test-output');
      },
    },
    {
      name: 'shows a script error with its line highlighted in the editor',
      run: async () => {
        await page.getByLabel('Metadata value 1', { exact: true }).fill('no/such/topic');
        await page.getByRole('button', { name: 'Test decoder function' }).click();
        const alert = page.getByRole('alert', { name: 'Test error' });
        await alert.waitFor({ timeout: 15_000 });
        const text = await alert.innerText();
        expect(/Line \d+:/.test(text), `the error names no line: ${text}`);
        await page.locator('.monaco-editor .bb-error-line').first().waitFor({ timeout: 5000 });
        await screenshot('05-converter-test-error');
        await page.getByLabel('Metadata value 1', { exact: true }).fill(TOPIC);
      },
    },
    {
      name: 'creates the MQTT integration with the guide\'s topic filter and sees it CONNECTED',
      run: async () => {
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Integrations' }).click();
        await page.getByRole('button', { name: '+ Add integration' }).click();
        await page.waitForURL(/\/integrations\/new$/);
        await page.getByRole('textbox', { name: 'Name', exact: true }).fill('MQTT Integration');
        await page.getByRole('combobox', { name: 'Uplink data converter' }).click();
        await page.getByRole('option', { name: 'MQTT Uplink' }).click();
        await page.getByRole('button', { name: 'Create new' }).nth(1).click();
        await page.getByRole('dialog').getByRole('textbox', { name: 'Name', exact: true }).fill('MQTT Downlink');
        await page.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
        await page.getByRole('dialog').waitFor({ state: 'detached' });
        await page.getByRole('textbox', { name: 'Host', exact: true }).fill(ctx.brokerHost);
        await page.getByRole('spinbutton', { name: 'Port', exact: true }).fill(String(ctx.brokerPort));
        const filter = await page.getByLabel('Topic filter 1', { exact: true }).inputValue();
        expect(filter === 'tb/mqtt-integration-tutorial/sensors/+/temperature', `unexpected topic filter ${filter}`);
        await screenshot('06-integration-form');
        await page.getByRole('button', { name: 'Add', exact: true }).click();
        await page.waitForURL(new RegExp(`/integrations/${UUID}$`));
        await page.getByLabel('Status: CONNECTED', { exact: true }).waitFor({ timeout: 30_000 });
        await screenshot('07-integration-connected');
      },
    },
    {
      name: 'a published message shows device SN-001 with latest temperature 25.1 without reloading',
      run: async () => {
        await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Devices' }).click();
        await page.getByText('No devices yet').waitFor();
        await publish(ctx.mqttUrl, TOPIC, '{"value":25.1}');
        await page.getByRole('cell', { name: 'SN-001', exact: true }).waitFor({ timeout: 20_000 });
        await screenshot('08-device-appeared');
        await page.getByRole('cell', { name: 'SN-001', exact: true }).click();
        await page.getByRole('tab', { name: 'Latest telemetry' }).click();
        const value = page.getByTestId('latest-temperature');
        await value.waitFor({ timeout: 10_000 });
        expect((await value.innerText()) === '25.1', `latest temperature is ${await value.innerText()}`);
        await publish(ctx.mqttUrl, TOPIC, '{"value":26.4}');
        await page.getByTestId('latest-temperature').getByText('26.4').waitFor({ timeout: 20_000 });
        await screenshot('09-device-latest-telemetry');
        const still = await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload === true);
        expect(still, 'the page was reloaded');
      },
    },
    {
      name: 'the telemetry chart (loaded only now) draws both temperatures',
      run: async () => {
        expect(!requested.some((u) => /TelemetryChartTab/.test(u)), 'the chart was loaded before its tab was opened');
        await page.getByRole('tab', { name: 'Telemetry chart' }).click();
        const line = page.getByRole('img', { name: 'Telemetry chart' }).locator('polyline');
        await line.first().waitFor();
        const points = ((await line.first().getAttribute('points')) ?? '').trim().split(/\s+/).filter(Boolean);
        expect(points.length === 2, `expected 2 points (25.1 and 26.4), got ${points.length}`);
        await screenshot('10-device-telemetry-chart');
      },
    },
    {
      name: 'the integrations list shows the integration CONNECTED with its message counters',
      run: async () => {
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Integrations' }).click();
        const row = page.getByRole('table', { name: 'Integrations' }).getByRole('row').filter({ hasText: 'MQTT Integration' });
        await row.getByLabel('Status: CONNECTED', { exact: true }).waitFor();
        const text = await row.innerText();
        expect(/\b2 \/ 0 \/ 0\b/.test(text), `counters are not 2 in / 0 out / 0 errors: ${text}`);
        await screenshot('11-integrations-list');
      },
    },
    {
      name: "the converter's Events tab shows the consumed message with In, Out and Metadata",
      run: async () => {
        await page.goto(`${converterUrl}/events`);
        const table = page.getByRole('table', { name: 'Events' });
        await table.getByRole('row').nth(1).waitFor({ timeout: 15_000 });
        const text = await table.innerText();
        expect(text.includes('{"value":25.1}') && text.includes('"deviceName":"SN-001"') && text.includes(`"topic":"${TOPIC.slice(0, 30)}`), `events lack In/Out/Metadata: ${text.slice(0, 400)}`);
        await screenshot('12-converter-events');
        await table.getByRole('row').filter({ hasText: '{"value":25.1}' }).click();
        const dialog = page.getByRole('dialog');
        await dialog.getByLabel('Metadata', { exact: true }).waitFor();
        const full = await dialog.innerText();
        expect(full.includes('"integrationName": "MQTT Integration"') && full.includes('"temperature": 25.1'), `the event's full JSON lacks metadata or output: ${full.slice(0, 400)}`);
        await screenshot('13-converter-event-json');
        await page.keyboard.press('Escape');
      },
    },
    {
      name: '"Use a recent message" fills the test panel from the latest message the converter processed',
      run: async () => {
        await page.getByRole('tab', { name: 'Decoder' }).click();
        await page.getByRole('button', { name: 'Use a recent message' }).click();
        await page.getByText(/Filled from the message of/).waitFor();
        const payload = await page.getByLabel('Payload', { exact: true }).inputValue();
        expect(payload === '{"value":26.4}', `payload is ${payload}`);
        const values = await page.locator('input[aria-label^="Metadata value"]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
        expect(values.includes(TOPIC), `metadata values are ${values.join(', ')}`);
        await page.getByRole('button', { name: 'Test decoder function' }).click();
        const out = await page.getByLabel('Output', { exact: true }).innerText();
        expect(out.includes('26.4'), `output lacks 26.4: ${out}`);
        await screenshot('14-converter-recent-message');
      },
    },
  ];
}
