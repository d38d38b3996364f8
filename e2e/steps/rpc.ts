/**
 * The guide's "Send One-Way RPC to Device" (issue 7), formerly scenarios/rpc-knob.ts: a dashboard
 * with alias Sensor → SN-001 and a Knob Control (15..45, 0 digits), the Integration Downlink node
 * added to the Root Rule Chain in the editor and connected with "RPC Request to Device", then the
 * knob is turned and a subscriber on the broker receives {"value":N} on .../SN-001/rx, N in 15..45;
 * the switch node's Events tab shows the knob's RPC_CALL_FROM_SERVER_TO_DEVICE messages.
 *
 * data-testid attributes it relies on (keep them stable):
 *   dashboards list: dashboard-add, dashboard-title (input), dashboard-create
 *   dashboard page:  dashboard-edit, dashboard-save, aliases-open, alias-add, alias-save, aliases-save,
 *                    widget-add, widget-type-knob-control, widget-alias (input), widget-save,
 *                    setting-<key> (inputs: setting-minValue, setting-maxValue, setting-valueDecimals),
 *                    widget-<id> (frame, data-widget-type), knob (role=slider), knob-status, knob-error
 *   rule chain:      rulechain-canvas, palette-node (aria-label = node name, data-type), rule-node (data-name),
 *                    node-name (input), integration-picker (hidden input of the "Integration" combobox), node-apply, node-debug-toggle,
 *                    relation-list, relation-confirm, rulechain-save, rulechain-fit, node-events-tab
 */
import type { Locator, Page } from 'playwright-core';
import { connectAsync, type MqttClient } from 'mqtt';
import { expect, GUIDE_TOPIC, type Step } from './common.js';

const RX = `${GUIDE_TOPIC}/SN-001/rx`;

function fail(step: string, detail: string): never {
  throw new Error(`rpc: ${step}: ${detail}`);
}

/** Steps 1-5: dashboard MQTT Dashboard, alias Sensor → SN-001, Knob Control 15..45 with 0 digits. */
export async function createDashboard(
  page: Page,
  baseUrl: string,
  screenshot: (n: string) => Promise<unknown>,
): Promise<string> {
  await page.goto(`${baseUrl}/dashboards`);
  await page.getByTestId('dashboard-add').click();
  await page.getByTestId('dashboard-title').fill('MQTT Dashboard');
  await page.getByTestId('dashboard-create').click();
  await page.waitForURL(/\/dashboards\/[0-9a-f-]{36}\?edit=1/);
  const dashboardUrl = page.url().replace(/\?.*$/, '');

  await page.getByTestId('aliases-open').click();
  await page.getByTestId('alias-add').click();
  await page.getByLabel('Alias name').fill('Sensor');
  // the device search is debounced and its answer may race the typing: type again when no option shows
  const device = page.getByRole('combobox', { name: 'Device' });
  const option = page.getByRole('option', { name: 'SN-001', exact: true });
  for (let attempt = 1; ; attempt++) {
    await device.fill('');
    await device.fill('SN-001');
    const picked = await option.click({ timeout: 5000 }).then(
      () => true,
      (e: unknown) => {
        if (attempt === 3) throw e;
        return false;
      },
    );
    if (picked) break;
  }
  await page.getByTestId('alias-save').click();
  await page.getByText('Single entity · Device · SN-001').waitFor();
  await page.getByTestId('aliases-save').click();

  await page.getByTestId('widget-add').click();
  await page.getByTestId('widget-type-knob-control').click();
  await page.getByTestId('setting-minValue').fill('15');
  await page.getByTestId('setting-maxValue').fill('45');
  await page.getByTestId('setting-valueDecimals').fill('0');
  const alias = await page.getByTestId('widget-alias').inputValue();
  if (!alias) fail('knob data source', 'the Sensor alias was not preselected');
  await page.getByTestId('widget-save').click();
  await page.locator('[data-widget-type="knob-control"]').waitFor();
  await page.getByRole('dialog').waitFor({ state: 'detached' });
  await screenshot('dashboard-edit');
  await page.getByTestId('dashboard-save').click();
  await page.getByTestId('dashboard-edit').waitFor();
  return dashboardUrl;
}

async function centre(l: Locator): Promise<{ x: number; y: number }> {
  const b = await l.boundingBox();
  if (!b) fail('layout', 'an element to drag has no box');
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

/** Steps 6-8: debug on the switch, Integration Downlink node, connection "RPC Request to Device". */
export async function wireRootRuleChain(
  page: Page,
  baseUrl: string,
  screenshot: (n: string) => Promise<unknown>,
): Promise<void> {
  await page.goto(`${baseUrl}/rule-chains`);
  await page.getByRole('row', { name: /Root Rule Chain/ }).click();
  await page.waitForURL(/\/rule-chains\/[0-9a-f-]{36}/);
  const canvas = page.getByTestId('rulechain-canvas');
  const switchNode = page.locator('.react-flow__node', {
    has: page.locator('[data-testid="rule-node"][data-name="Message Type Switch" i]'),
  });
  await switchNode.waitFor();
  // the guide turns the switch's debug mode on to watch the knob's messages
  const debug = switchNode.getByTestId('node-debug-toggle');
  if ((await debug.getAttribute('aria-pressed')) !== 'true') await debug.click();

  const box = (await canvas.boundingBox())!;
  const paletteItem = page.locator('[data-testid="palette-node"][aria-label="Integration Downlink"]');
  await paletteItem.dragTo(canvas, { targetPosition: { x: box.width * 0.55, y: box.height * 0.75 } });
  const nameInput = page.getByTestId('node-name');
  const dropped = await nameInput.waitFor({ state: 'visible', timeout: 3000 }).then(
    () => true,
    () => false,
  );
  if (!dropped) await paletteItem.click(); // the click path adds the node mid-canvas
  await nameInput.fill('MQTT Integration Downlink');
  await page.getByRole('combobox', { name: 'Integration' }).click();
  await page.getByRole('option', { name: 'MQTT Integration', exact: true }).click();
  await page.getByTestId('node-apply').click();

  const downlinkNode = page.locator('.react-flow__node', {
    has: page.locator('[data-testid="rule-node"][data-name="MQTT Integration Downlink"]'),
  });
  await downlinkNode.waitFor();
  // the node dialog's backdrop fades out first; a drag started on it would not reach the canvas
  await page.getByRole('dialog').waitFor({ state: 'detached' });
  const relationList = page.getByTestId('relation-list');
  for (let attempt = 1; ; attempt++) {
    const from = await centre(switchNode.locator('.react-flow__handle.source'));
    const to = await centre(downlinkNode.locator('.react-flow__handle.target'));
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 8 });
    await page.mouse.move(to.x, to.y, { steps: 8 });
    await page.mouse.up();
    const opened = await relationList.waitFor({ timeout: 3000 }).then(
      () => true,
      () => false,
    );
    if (opened) break;
    if (attempt === 2)
      fail('connect', 'dragging from Message Type Switch to the new node did not open the relation picker');
  }
  await relationList.getByLabel('RPC Request to Device', { exact: true }).check();
  await page.getByTestId('relation-confirm').click();
  await page.locator('.react-flow__edge-text', { hasText: 'RPC Request to Device' }).waitFor();
  await page.getByTestId('rulechain-fit').click();
  await screenshot('rule-chain-editor');
  await page.getByTestId('rulechain-save').click();
  await page.getByText('Rule chain saved').waitFor();
}

/** Drags the knob around from near its minimum past 12 o'clock, then nudges it with the arrow keys. */
export async function turnKnob(page: Page): Promise<void> {
  const knob = page.getByTestId('knob');
  await knob.waitFor();
  const b = (await knob.boundingBox())!;
  const c = { x: b.x + b.width / 2, y: b.y + b.height / 2 };
  const r = Math.min(b.width, b.height) * 0.35;
  const at = (deg: number) => ({
    x: c.x + r * Math.sin((deg * Math.PI) / 180),
    y: c.y - r * Math.cos((deg * Math.PI) / 180),
  });
  let p = at(-110);
  await page.mouse.move(p.x, p.y);
  await page.mouse.down();
  for (let deg = -100; deg <= 60; deg += 8) {
    p = at(deg);
    await page.mouse.move(p.x, p.y);
    await page.waitForTimeout(60);
  }
  await page.mouse.up();
  await knob.focus();
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowUp');
}

/** Turns the knob while a subscriber listens on .../+/rx; returns the values, each checked to be {"value":N}, N in 15..45. */
export async function knobReachesRx(
  page: Page,
  mqttUrl: string,
  dashboardUrl: string,
  screenshot: (n: string) => Promise<unknown>,
): Promise<number[]> {
  const received: { topic: string; text: string }[] = [];
  const sub: MqttClient = await connectAsync(mqttUrl, { clientId: `bb-e2e-sub-${Date.now()}` });
  try {
    await sub.subscribeAsync(`${GUIDE_TOPIC}/+/rx`);
    sub.on('message', (topic, payload) => received.push({ topic, text: payload.toString() }));
    await page.goto(dashboardUrl);
    await turnKnob(page);
    // the device must end where the knob stopped: the throttle's trailing call sends the last value
    const final = await page.getByTestId('knob').getAttribute('aria-valuenow');
    const deadline = Date.now() + 20_000;
    const endsAtFinal = () => received.length >= 2 && received.at(-1)!.text === `{"value":${final}}`;
    while (!endsAtFinal() && Date.now() < deadline) await page.waitForTimeout(200);
    await page.getByTestId('knob-status').filter({ hasText: `sent ${final}` }).waitFor();
    await screenshot('dashboard-knob');
    if (received.length >= 2 && !endsAtFinal())
      fail('knob turn', `the knob stopped at ${final}, but the last message on ${RX} was ${received.at(-1)!.text}`);
    const error = page.getByTestId('knob-error');
    if (received.length < 2)
      fail(
        'knob turn',
        `the broker got ${received.length} message(s) on ${RX}${(await error.isVisible()) ? `; the knob says: ${await error.textContent()}` : ''}`,
      );
  } finally {
    await sub.endAsync();
  }
  return received.map(({ topic, text }) => {
    if (topic !== RX) fail('downlink topic', `got a message on ${topic}, expected ${RX}`);
    const m = /^\{"value":(-?\d+)\}$/.exec(text);
    if (!m) fail('downlink payload', `expected {"value":N}, got ${text}`);
    const n = Number(m[1]);
    if (n < 15 || n > 45) fail('downlink payload', `value ${n} is outside the knob's 15..45`);
    return n;
  });
}

export const rpcSteps: Step[] = [
  {
    name: 'creates the dashboard MQTT Dashboard with alias Sensor and a Knob Control (15..45, 0 digits)',
    run: async ({ page, baseUrl, screenshot }, state) => {
      state.dashboardUrl = await createDashboard(page, baseUrl, screenshot);
    },
  },
  {
    name: 'adds the Integration Downlink node to the Root Rule Chain on "RPC Request to Device"',
    run: async ({ page, baseUrl, screenshot }) => {
      await wireRootRuleChain(page, baseUrl, screenshot);
    },
  },
  {
    name: 'turning the knob sends {"value":N} to .../SN-001/rx',
    run: async ({ page, mqttUrl, screenshot }, state) => {
      const values = await knobReachesRx(page, mqttUrl, state.dashboardUrl, screenshot);
      expect(values.length >= 2, `expected at least 2 values, got ${values.join(', ')}`);
      console.log(`    the subscriber got ${values.map((v) => `{"value":${v}}`).join(' ')}`);
    },
  },
  {
    name: "the Message Type Switch's Events tab shows the knob's RPC_CALL_FROM_SERVER_TO_DEVICE messages",
    run: async ({ page, baseUrl, screenshot }) => {
      await page.goto(`${baseUrl}/rule-chains`);
      await page.getByRole('row', { name: /Root Rule Chain/ }).click();
      await page.locator('[data-testid="rule-node"][data-name="Message Type Switch" i]').dblclick();
      await page.getByTestId('node-events-tab').click();
      await page.getByText('RPC_CALL_FROM_SERVER_TO_DEVICE').first().waitFor({ timeout: 15_000 });
      await screenshot('rule-node-events');
      await page.keyboard.press('Escape');
    },
  },
];
