/**
 * The guide's uplink path (issue 6), one step per screen: log in, create the uplink converter
 * with the guide's decoder, test it with the guide's payload and topic, create the downlink
 * converter, create the integration, publish (mosquitto_pub as in the guide), and watch SN-001
 * with temperature 25.1 appear WITHOUT reloading the page; then the chart, the counters, the
 * converter's Events tab and "Use a recent message".
 */
import type { Page } from 'playwright-core';
import { expect, mainNav, publish, rest, TOPIC, UUID, type GuideContext, type Step } from './common.js';

const HEAVY = /MonacoEditor|editor\.api|ts\.worker|TelemetryChartTab/;
export const FILTER = 'tb/mqtt-integration-tutorial/sensors/+/temperature';

/**
 * Fills the MQTT integration form (on /integrations/new): name, the uplink converter, the downlink
 * converter (picked, or created with the form's "Create new" dialog), the broker, and checks the
 * guide's default topic filter.
 */
export async function fillIntegrationForm(
  page: Page,
  ctx: Pick<GuideContext, 'brokerHost' | 'brokerPort'>,
  o: { name: string; uplink: string; downlink: { pick: string } | { create: string } },
): Promise<void> {
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(o.name);
  await page.getByRole('combobox', { name: 'Uplink data converter' }).click();
  await page.getByRole('option', { name: o.uplink, exact: true }).click();
  if ('pick' in o.downlink) {
    await page.getByRole('combobox', { name: 'Downlink data converter' }).click();
    await page.getByRole('option', { name: o.downlink.pick, exact: true }).click();
  } else {
    await page.getByRole('button', { name: 'Create new' }).nth(1).click();
    await page
      .getByRole('dialog')
      .getByRole('textbox', { name: 'Name', exact: true })
      .fill(o.downlink.create);
    await page.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
  }
  await page.getByRole('textbox', { name: 'Host', exact: true }).fill(ctx.brokerHost);
  await page.getByRole('spinbutton', { name: 'Port', exact: true }).fill(String(ctx.brokerPort));
  const filter = await page.getByLabel('Topic filter 1', { exact: true }).inputValue();
  expect(filter === FILTER, `unexpected topic filter ${filter}`);
}

export const uplinkSteps: Step[] = [
  {
    name: 'logs in with the tenant account, lands on Home (nothing connected yet) and opens Devices',
    run: async ({ page, baseUrl, screenshot }, state) => {
      page.on('request', (r) => state.requested.push(r.url()));
      await page.goto(baseUrl);
      await page.waitForURL(/\/login$/);
      await page.getByLabel('Email').fill('tenant@example.com');
      await page.getByLabel('Password').fill('tenant');
      await screenshot('01-login');
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('heading', { name: 'Home', exact: true }).waitFor();
      await page.getByText('No integrations yet').waitFor();
      await screenshot('02-home-empty');
      await mainNav(page, 'Devices');
      await page.waitForURL(/\/devices$/);
      await page.getByRole('heading', { name: 'Devices', exact: true }).waitFor();
      await page.getByText('No devices yet').waitFor();
      await screenshot('02-devices-empty');
    },
  },
  {
    name: 'loads neither Monaco nor the chart on the devices page',
    run: async (_ctx, state) => {
      const heavy = state.requested.filter((u) => HEAVY.test(u));
      expect(heavy.length === 0, `the devices page fetched ${heavy.join(', ')}`);
    },
  },
  {
    name: "creates the guide's uplink converter from the guide's script",
    run: async ({ page, screenshot }, state) => {
      await mainNav(page, 'Data converters');
      await page.getByText('No data converters yet').waitFor();
      await page.getByRole('button', { name: '+ Add converter' }).click();
      await page.getByRole('menuitem', { name: 'Uplink converter' }).click();
      await page.getByRole('textbox', { name: 'Name', exact: true }).fill('MQTT Uplink');
      // Monaco renders its lines progressively: wait for the guide's helper to show up
      const hasGuideScript = await page
        .waitForFunction(
          () =>
            /Decoder[\s\S]*decodeToString/.test(
              document.querySelector('.monaco-editor .view-lines')?.textContent ?? '',
            ),
          undefined,
          { timeout: 30_000 },
        )
        .then(
          () => true,
          () => false,
        );
      const code = (await page.locator('.monaco-editor .view-lines').textContent()) ?? '';
      expect(hasGuideScript, `the editor does not hold the guide's decoder: ${code.slice(0, 200)}`);
      expect(
        state.requested.some((u) => /MonacoEditor|editor\.api/.test(u)),
        'Monaco was not loaded lazily on the converter page',
      );
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      await page.waitForURL(new RegExp(`/converters/${UUID}$`));
      state.uplinkUrl = page.url();
      await page.getByText('Converter MQTT Uplink saved').waitFor();
      await screenshot('03-converter-created');
    },
  },
  {
    name: "tests the decoder with the guide's payload and topic and sees SN-001 and 25.1",
    run: async ({ page, screenshot }) => {
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
    run: async ({ page, screenshot }) => {
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
    name: "creates the downlink converter MQTT Downlink with the default script (the guide's encoder)",
    run: async ({ page, baseUrl, screenshot }, state) => {
      await mainNav(page, 'Data converters');
      await page.getByRole('button', { name: '+ Add converter' }).click();
      await page.getByRole('menuitem', { name: 'Downlink converter' }).click();
      await page.getByRole('textbox', { name: 'Name', exact: true }).fill('MQTT Downlink');
      await page.waitForFunction(
        () =>
          /Encoder[\s\S]*parseInt/.test(
            document.querySelector('.monaco-editor .view-lines')?.textContent ?? '',
          ),
        undefined,
        { timeout: 30_000 },
      );
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      await page.waitForURL(new RegExp(`/converters/${UUID}$`));
      state.downlinkUrl = page.url();
      await page.getByText('Converter MQTT Downlink saved').waitFor();
      const saved = await rest(page, baseUrl, 'GET', `/api/converter/${state.downlinkUrl.split('/').pop()}`);
      expect(
        /msg\.params\.replace/.test(saved.json?.configuration?.encoder ?? ''),
        `the default encoder is not the guide's: ${saved.json?.configuration?.encoder}`,
      );
      await screenshot('05b-downlink-converter-created');
    },
  },
  {
    name: "creates the MQTT integration with the guide's topic filter and clean session off, and sees it CONNECTED",
    run: async (ctx, state) => {
      const { page, screenshot } = ctx;
      await mainNav(page, 'Integrations');
      await page.getByRole('button', { name: '+ Add integration' }).click();
      await page.waitForURL(/\/integrations\/new$/);
      await fillIntegrationForm(page, ctx, {
        name: 'MQTT Integration',
        uplink: 'MQTT Uplink',
        downlink: { pick: 'MQTT Downlink' },
      });
      const clean = page.getByLabel('Clean session', { exact: true });
      if (await clean.isChecked()) await clean.uncheck();
      await screenshot('06-integration-form');
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      await page.waitForURL(new RegExp(`/integrations/${UUID}$`));
      state.integrationUrl = page.url();
      await page.getByLabel('Status: CONNECTED', { exact: true }).waitFor({ timeout: 30_000 });
      const saved = await rest(
        page,
        ctx.baseUrl,
        'GET',
        `/api/integration/${state.integrationUrl.split('/').pop()}`,
      );
      expect(
        saved.json?.configuration?.clientConfiguration?.cleanSession === false,
        'clean session is not off',
      );
      await screenshot('07-integration-connected');
    },
  },
  {
    name: 'a published {"value":25.1} shows device SN-001 with latest temperature 25.1 without reloading',
    run: async (ctx, state) => {
      const { page, screenshot } = ctx;
      await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
      await mainNav(page, 'Devices');
      await page.getByText('No devices yet').waitFor();
      const via = await publish(ctx, TOPIC, '{"value":25.1}');
      console.log(`    published with ${via}`);
      await page.getByRole('cell', { name: 'SN-001', exact: true }).waitFor({ timeout: 20_000 });
      await screenshot('08-device-appeared');
      await page.getByRole('cell', { name: 'SN-001', exact: true }).click();
      await page.waitForURL(new RegExp(`/devices/${UUID}`));
      state.deviceUrl = page.url();
      await page.getByRole('tab', { name: 'Latest telemetry' }).click();
      const value = page.getByTestId('latest-temperature');
      await value.waitFor({ timeout: 10_000 });
      expect((await value.innerText()) === '25.1', `latest temperature is ${await value.innerText()}`);
      await publish(ctx, TOPIC, '{"value":26.4}');
      await page.getByTestId('latest-temperature').getByText('26.4').waitFor({ timeout: 20_000 });
      await screenshot('09-device-latest-telemetry');
      const still = await page.evaluate(
        () => (window as unknown as { __noReload?: boolean }).__noReload === true,
      );
      expect(still, 'the page was reloaded');
    },
  },
  {
    name: 'the telemetry chart (loaded only now) draws both temperatures',
    run: async ({ page, screenshot }, state) => {
      expect(
        !state.requested.some((u) => /TelemetryChartTab/.test(u)),
        'the chart was loaded before its tab was opened',
      );
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
    run: async ({ page, screenshot }) => {
      await mainNav(page, 'Integrations');
      const row = page
        .getByRole('table', { name: 'Integrations' })
        .getByRole('row')
        .filter({ hasText: 'MQTT Integration' });
      await row.getByLabel('Status: CONNECTED', { exact: true }).waitFor();
      const text = await row.innerText();
      expect(/\b2 \/ 0 \/ 0\b/.test(text), `counters are not 2 in / 0 out / 0 errors: ${text}`);
      await screenshot('11-integrations-list');
    },
  },
  {
    name: "the converter's Events tab shows the consumed message with In, Out and Metadata",
    run: async ({ page, screenshot }, state) => {
      await page.goto(`${state.uplinkUrl}/events`);
      const table = page.getByRole('table', { name: 'Events' });
      await table.getByRole('row').nth(1).waitFor({ timeout: 15_000 });
      const headers = (await table.getByRole('columnheader').allInnerTexts()).map((h) => h.trim());
      for (const h of ['In', 'Out', 'Metadata'])
        expect(headers.includes(h), `the Events table has no ${h} column: ${headers.join(', ')}`);
      const text = await table.innerText();
      expect(
        text.includes('{"value":25.1}') &&
          text.includes('"deviceName":"SN-001"') &&
          text.includes(`"topic":"${TOPIC.slice(0, 30)}`),
        `events lack In/Out/Metadata: ${text.slice(0, 400)}`,
      );
      await screenshot('12-converter-events');
      await table.getByRole('row').filter({ hasText: '{"value":25.1}' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Metadata', { exact: true }).waitFor();
      const full = await dialog.innerText();
      expect(
        full.includes('"integrationName": "MQTT Integration"') && full.includes('"temperature": 25.1'),
        `the event's full JSON lacks metadata or output: ${full.slice(0, 400)}`,
      );
      await screenshot('13-converter-event-json');
      await page.keyboard.press('Escape');
    },
  },
  {
    name: '"Use a recent message" fills the test panel from the latest message the converter processed',
    run: async ({ page, screenshot }) => {
      await page.getByRole('tab', { name: 'Decoder' }).click();
      await page.getByRole('button', { name: 'Use a recent message' }).click();
      await page.getByText(/Filled from the message of/).waitFor();
      const payload = await page.getByLabel('Payload', { exact: true }).inputValue();
      expect(payload === '{"value":26.4}', `payload is ${payload}`);
      const values = await page
        .locator('input[aria-label^="Metadata value"]')
        .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
      expect(values.includes(TOPIC), `metadata values are ${values.join(', ')}`);
      await page.getByRole('button', { name: 'Test decoder function' }).click();
      const out = await page.getByLabel('Output', { exact: true }).innerText();
      expect(out.includes('26.4'), `output lacks 26.4: ${out}`);
      await screenshot('14-converter-recent-message');
    },
  },
];
