/**
 * Issue 7 scenario — the guide's "Send One-Way RPC to Device" in a real browser:
 * a dashboard with alias Sensor → SN-001 and a Knob Control (15..45, 0 digits), the Integration
 * Downlink node added to the Root Rule Chain in the editor and connected with "RPC Request to Device",
 * then the knob is turned and a subscriber on the broker receives {"value":N} on .../SN-001/rx, N in 15..45.
 *
 *   await rpcKnobScenario({ page, baseUrl, mqttUrl, screenshot });
 *
 * Runs after the converters/integration scenario (logged in, integration "MQTT Integration" exists);
 * whatever is missing is arranged over REST first so it also runs alone (see `arrange`): the guide's
 * converters and integration, the guide's downlink encoder (guide step 9), device SN-001.
 * Screenshots: dashboard-edit, rule-chain-editor, dashboard-knob, rule-node-events.
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

export interface ScenarioContext {
  page: Page;
  baseUrl: string;
  mqttUrl: string;
  screenshot: (name: string) => Promise<unknown>;
  /** used only when the page is not logged in yet */
  login?: { username: string; password: string };
}

const GUIDE_TOPIC = 'tb/mqtt-integration-tutorial/sensors';
const RX = `${GUIDE_TOPIC}/SN-001/rx`;
const GUIDE_DECODER = `var payloadStr = decodeToString(payload);
var data = JSON.parse(payloadStr);
var topicPattern = 'tb/mqtt-integration-tutorial/sensors/(.+)/temperature';
var deviceName =  metadata.topic.match(topicPattern)[1];
var deviceType = 'sensor';
var result = {
   deviceName: deviceName,
   deviceType: deviceType,
   attributes: { integrationName: metadata['integrationName'] },
   telemetry: { temperature: data.value }
};
function decodeToString(payload) {
   return String.fromCharCode.apply(String, payload);
}
return result;`;
/** the guide's encoder, verbatim (step 9) */
const GUIDE_ENCODER = `/** Encoder **/

var value = parseInt(msg.params.replace(/"/g,""));
var data = {value: value}
// Result object with encoded downlink payload
var result = {

    // downlink data content type: JSON, TEXT or BINARY (base64 format)
    contentType: "JSON",

    // downlink data
    data: JSON.stringify(data),

    // Optional metadata object presented in key/value format
    metadata: {
        topic: 'tb/mqtt-integration-tutorial/sensors/'+metadata['deviceName']+'/rx'
    }

};

return result;`;

function fail(step: string, detail: string): never {
  throw new Error(`rpc-knob: ${step}: ${detail}`);
}

async function rest(
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

async function ensureLoggedIn({ page, baseUrl, login }: ScenarioContext): Promise<void> {
  await page.goto(`${baseUrl}/dashboards`);
  const token = await page.evaluate(() => localStorage.getItem('bb.token'));
  if (token) return;
  if (!login) fail('login', 'the page is not logged in and no credentials were given');
  const r = await page.request.post(`${baseUrl}/api/auth/login`, {
    data: { username: login.username, password: login.password },
  });
  if (!r.ok()) fail('login', `${r.status()} ${await r.text()}`);
  const pair = await r.json();
  await page.evaluate((p) => {
    localStorage.setItem('bb.token', p.token);
    localStorage.setItem('bb.refreshToken', p.refreshToken);
  }, pair);
}

/** Whatever the earlier scenario did not leave behind: converters, integration, encoder, SN-001. */
async function arrange(ctx: ScenarioContext): Promise<void> {
  const { page, baseUrl, mqttUrl } = ctx;
  const broker = new URL(mqttUrl);
  const found = await rest(
    page,
    baseUrl,
    'GET',
    `/api/integrations?pageSize=100&page=0&textSearch=${encodeURIComponent('MQTT Integration')}`,
  );
  const integration = (found.json?.data ?? []).find((i: { name: string }) => i.name === 'MQTT Integration');
  let downlinkId: string | undefined = integration?.downlinkConverterId?.id;
  if (!downlinkId) {
    const dl = await rest(page, baseUrl, 'POST', '/api/converter', {
      name: `MQTT Downlink ${Date.now()}`,
      type: 'DOWNLINK',
      debugMode: false,
      configuration: { scriptLang: 'JS', encoder: GUIDE_ENCODER },
    });
    if (dl.status !== 200) fail('arrange downlink converter', JSON.stringify(dl.json));
    downlinkId = dl.json.id.id as string;
  }
  if (!integration) {
    const up = await rest(page, baseUrl, 'POST', '/api/converter', {
      name: `MQTT Uplink ${Date.now()}`,
      type: 'UPLINK',
      debugMode: false,
      configuration: { scriptLang: 'JS', decoder: GUIDE_DECODER },
    });
    if (up.status !== 200) fail('arrange uplink converter', JSON.stringify(up.json));
    const made = await rest(page, baseUrl, 'POST', '/api/integration', {
      name: 'MQTT Integration',
      type: 'MQTT',
      enabled: true,
      debugMode: false,
      defaultConverterId: up.json.id,
      downlinkConverterId: { entityType: 'CONVERTER', id: downlinkId },
      configuration: {
        clientConfiguration: {
          host: broker.hostname,
          port: Number(broker.port || 1883),
          cleanSession: false,
          credentials: { type: 'anonymous' },
        },
        topicFilters: [{ filter: `${GUIDE_TOPIC}/+/temperature`, qos: 0 }],
        downlinkTopicPattern: '${topic}',
        metadata: {},
      },
    });
    if (made.status !== 200) fail('arrange integration', JSON.stringify(made.json));
  } else if (!integration.downlinkConverterId) {
    const upd = await rest(page, baseUrl, 'POST', '/api/integration', {
      ...integration,
      downlinkConverterId: { entityType: 'CONVERTER', id: downlinkId },
    });
    if (upd.status !== 200) fail('arrange integration downlink converter', JSON.stringify(upd.json));
  }
  // guide step 9: the downlink converter gets the guide's encoder
  const conv = await rest(page, baseUrl, 'GET', `/api/converter/${downlinkId}`);
  if (conv.json?.configuration?.encoder !== GUIDE_ENCODER) {
    const upd = await rest(page, baseUrl, 'POST', '/api/converter', {
      ...conv.json,
      configuration: { scriptLang: 'JS', encoder: GUIDE_ENCODER },
    });
    if (upd.status !== 200) fail('arrange encoder', JSON.stringify(upd.json));
  }
  // SN-001 exists once the integration got the guide's uplink message
  if ((await rest(page, baseUrl, 'GET', '/api/tenant/devices?deviceName=SN-001')).status !== 200) {
    const c = await connectAsync(mqttUrl, { clientId: `bb-e2e-pub-${Date.now()}` });
    const deadline = Date.now() + 30_000;
    try {
      while ((await rest(page, baseUrl, 'GET', '/api/tenant/devices?deviceName=SN-001')).status !== 200) {
        if (Date.now() > deadline)
          fail('arrange SN-001', 'device SN-001 did not appear within 30 s of publishing to the integration');
        await c.publishAsync(`${GUIDE_TOPIC}/SN-001/temperature`, '{"value":25.1}');
        await page.waitForTimeout(1000);
      }
    } finally {
      await c.endAsync();
    }
  }
}

async function createDashboard({ page, baseUrl, screenshot }: ScenarioContext): Promise<string> {
  await page.goto(`${baseUrl}/dashboards`);
  await page.getByTestId('dashboard-add').click();
  await page.getByTestId('dashboard-title').fill('MQTT Dashboard');
  await page.getByTestId('dashboard-create').click();
  await page.waitForURL(/\/dashboards\/[0-9a-f-]{36}\?edit=1/);
  const dashboardUrl = page.url().replace(/\?.*$/, '');

  // steps 1-2: alias Sensor → Single entity, Device, SN-001
  await page.getByTestId('aliases-open').click();
  await page.getByTestId('alias-add').click();
  await page.getByLabel('Alias name').fill('Sensor');
  await page.getByLabel('Device').fill('SN-001');
  await page.getByRole('option', { name: 'SN-001', exact: true }).click();
  await page.getByTestId('alias-save').click();
  await page.getByText('Single entity · Device · SN-001').waitFor();
  await page.getByTestId('aliases-save').click();

  // steps 3-5: Knob Control with alias Sensor, 15..45, 0 digits
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

/** steps 6-8: debug on the switch, Integration Downlink node, connection "RPC Request to Device". */
async function wireRootRuleChain({ page, baseUrl, screenshot }: ScenarioContext): Promise<void> {
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
async function turnKnob(page: Page): Promise<void> {
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

export async function rpcKnobScenario(ctx: ScenarioContext): Promise<{ received: number[] }> {
  const { page, baseUrl, mqttUrl, screenshot } = ctx;
  await ensureLoggedIn(ctx);
  await arrange(ctx);
  const dashboardUrl = await createDashboard(ctx);
  await wireRootRuleChain(ctx);

  const received: { topic: string; text: string }[] = [];
  const sub: MqttClient = await connectAsync(mqttUrl, { clientId: `bb-e2e-sub-${Date.now()}` });
  try {
    await sub.subscribeAsync(`${GUIDE_TOPIC}/+/rx`);
    sub.on('message', (topic, payload) => received.push({ topic, text: payload.toString() }));
    await page.goto(dashboardUrl);
    await turnKnob(page);
    const deadline = Date.now() + 20_000;
    while (received.length < 2 && Date.now() < deadline) await page.waitForTimeout(200);
    await screenshot('dashboard-knob');
    const error = page.getByTestId('knob-error');
    if (received.length < 2)
      fail(
        'knob turn',
        `the broker got ${received.length} message(s) on ${RX}${(await error.isVisible()) ? `; the knob says: ${await error.textContent()}` : ''}`,
      );
  } finally {
    await sub.endAsync();
  }
  const values = received.map(({ topic, text }) => {
    if (topic !== RX) fail('downlink topic', `got a message on ${topic}, expected ${RX}`);
    const m = /^\{"value":(-?\d+)\}$/.exec(text);
    if (!m) fail('downlink payload', `expected {"value":N}, got ${text}`);
    const n = Number(m[1]);
    if (n < 15 || n > 45) fail('downlink payload', `value ${n} is outside the knob's 15..45`);
    return n;
  });

  // guide step 6: the switch node's Events tab shows the knob's RPC calls
  await page.goto(`${baseUrl}/rule-chains`);
  await page.getByRole('row', { name: /Root Rule Chain/ }).click();
  await page.locator('[data-testid="rule-node"][data-name="Message Type Switch" i]').dblclick();
  await page.getByTestId('node-events-tab').click();
  await page.getByText('RPC_CALL_FROM_SERVER_TO_DEVICE').first().waitFor({ timeout: 15_000 });
  await screenshot('rule-node-events');
  await page.keyboard.press('Escape');
  return { received: values };
}

export default rpcKnobScenario;
