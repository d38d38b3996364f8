/**
 * The home page after the guide: the guide's integration is CONNECTED and its message rate moves
 * while SN-001 publishes, SN-001 counts as active (and shows the active dot in the device list), and
 * a debug event of the integration opens that message's journey as a timeline.
 */
import { connectAsync } from 'mqtt';
import type { Page } from 'playwright-core';
import { expect, mainNav, rest, TOPIC } from '../steps/common.js';

interface Ctx {
  page: Page;
  baseUrl: string;
  mqttUrl: string;
  screenshot: (name: string) => Promise<unknown>;
}

const sparkValues = async (page: Page) =>
  (
    (await page
      .getByRole('img', { name: 'MQTT Integration messages per minute' })
      .first()
      .getAttribute('data-values')) ?? ''
  )
    .split(',')
    .map(Number);

export default async function homeScenario({ page, baseUrl, mqttUrl, screenshot }: Ctx): Promise<void> {
  await page.goto(baseUrl);
  await page.getByRole('heading', { name: 'Home', exact: true }).waitFor();
  // the guide's integration, with debug mode on so the next uplink is traced
  const list = (
    await rest(
      page,
      baseUrl,
      'GET',
      '/api/integrations?pageSize=100&page=0&sortProperty=createdTime&sortOrder=ASC',
    )
  ).json;
  const integ = list.data.find((i: { name: string }) => i.name === 'MQTT Integration');
  expect(integ, 'the guide left no integration named MQTT Integration');
  if (!integ.debugMode) {
    const { status, ...body } = integ;
    void status;
    const saved = await rest(page, baseUrl, 'POST', '/api/integration', { ...body, debugMode: true });
    expect(saved.status === 200, `could not switch debug mode on: ${saved.status}`);
  }

  const conv = (await rest(page, baseUrl, 'GET', `/api/converter/${integ.defaultConverterId.id}`)).json;
  if (!conv.debugMode) {
    const saved = await rest(page, baseUrl, 'POST', '/api/converter', { ...conv, debugMode: true });
    expect(saved.status === 200, `could not switch the converter's debug mode on: ${saved.status}`);
  }

  await page.goto(baseUrl);
  await page.getByRole('heading', { name: 'Home', exact: true }).waitFor();
  const row = page
    .getByRole('table', { name: 'Integrations health' })
    .getByRole('row')
    .filter({ hasText: 'MQTT Integration' })
    .first();
  await row.getByLabel('Status: CONNECTED', { exact: true }).waitFor({ timeout: 30_000 });
  const before = await sparkValues(page);

  // SN-001 reports, as in the guide
  const device = await connectAsync(mqttUrl, {
    clientId: `e2e-home-${Math.random().toString(16).slice(2, 8)}`,
  });
  for (let k = 0; k < 6; k++) {
    await device.publishAsync(TOPIC, JSON.stringify({ value: 24 + k / 10 }), { qos: 1 });
    await new Promise((r) => setTimeout(r, 200));
  }
  await device.endAsync();

  // the rate moves: the sparkline (uplinks per minute, last 15 minutes) counts the new messages, the
  // 1-minute rate is no longer empty (the page refreshes every 5 s)
  const beforeSum = before.reduce((x, y) => x + y, 0);
  await page.waitForFunction(
    (sum) => {
      const el = document.querySelector('svg[aria-label="MQTT Integration messages per minute"]');
      const v = (el?.getAttribute('data-values') ?? '').split(',').map(Number);
      return v.reduce((x, y) => x + y, 0) >= sum + 6;
    },
    beforeSum,
    { timeout: 20_000 },
  );
  const rate = (await row.getByTestId('rate').textContent()) ?? '';
  expect(!rate.startsWith('—'), `the 1-minute rate did not move: ${rate}`);

  // SN-001 is active (the activity is written every few seconds)
  await page.waitForFunction(
    () => Number(document.querySelector('[data-testid="devices-active"]')?.textContent ?? 0) >= 1,
    undefined,
    { timeout: 30_000 },
  );
  await screenshot('home-guide');
  await mainNav(page, 'Devices');
  const sn1 = page
    .getByRole('table', { name: 'Devices' })
    .getByRole('row')
    .filter({ hasText: 'SN-001' })
    .first();
  await sn1.getByRole('img', { name: 'Active' }).waitFor({ timeout: 15_000 });
  await screenshot('devices-active');

  // a debug event of the integration opens its message's journey
  await page.goto(`${baseUrl}/integrations/${integ.id.id}/events`);
  await page.getByRole('table', { name: 'Events' }).getByText('{"value":24.5}').first().click();
  await page.getByRole('dialog').getByRole('button', { name: 'Show message journey' }).click();
  const journey = page.getByRole('list', { name: 'Message journey' });
  await journey.waitFor();
  await journey.getByText('Integration', { exact: true }).first().waitFor();
  const steps = await journey.getByRole('listitem').count();
  expect(steps >= 2, `the journey has ${steps} step(s); expected the converter and the integration at least`);
  await journey.getByText('Converter', { exact: true }).first().waitFor();
  await screenshot('message-journey');
}
