/**
 * Issue 19 in the browser: a decoder that stores the wrong key gets fixed (with a version comment), the
 * converter's History shows both versions and the diff, the Replay dialog's dry run counts the messages
 * the fix changes, and Apply stores them again at their original times. Runs on its own converter,
 * integration and topic, and removes them afterwards, so the guide's tenant is left as it was.
 */
import type { Page } from 'playwright-core';
import { expect, publish, replaceEditorText, rest, UUID } from '../steps/common.js';

interface Ctx {
  page: Page;
  baseUrl: string;
  mqttUrl: string;
  screenshot: (name: string) => Promise<unknown>;
}

const decoder = (key: string) =>
  `var data = JSON.parse(String.fromCharCode.apply(String, payload));\nvar deviceName = metadata.topic.split('/')[1];\nreturn { deviceName: deviceName, deviceType: 'sensor', telemetry: { ${key}: data.value } };\n`;

async function until<T>(fn: () => Promise<T | undefined | false>, what: string, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** the list of "label: value" items the dialog shows, as a record */
async function counts(page: Page, name: string): Promise<Record<string, number>> {
  const items = await page.getByRole('list', { name }).getByRole('listitem').allTextContents();
  return Object.fromEntries(items.map((t) => t.split(':').map((s) => s.trim())).map(([k, v]) => [k!, Number(v)]));
}

export default async function converterReplayScenario({ page, baseUrl, mqttUrl, screenshot }: Ctx): Promise<void> {
  const broker = new URL(mqttUrl);
  const tag = Math.random().toString(16).slice(2, 8);
  const root = `e2e-replay-${tag}`;
  const device = `RP-${tag}`;
  await page.goto(`${baseUrl}/converters`);
  await page.getByRole('heading', { name: 'Data converters' }).waitFor();
  const api = async (method: string, path: string, body?: unknown) => {
    const r = await rest(page, baseUrl, method, path, body);
    expect(r.status >= 200 && r.status < 300, `${method} ${path} answered ${r.status}: ${JSON.stringify(r.json)?.slice(0, 300)}`);
    return r.json;
  };
  const converter = await api('POST', '/api/converter', { name: `Replay ${tag}`, type: 'UPLINK', debugMode: false, configuration: { scriptLang: 'JS', decoder: decoder('temp') } });
  const cid = converter.id.id as string;
  let iid: string | null = null;
  let did: string | null = null;
  try {
    const integration = await api('POST', '/api/integration', {
      name: `Replay ${tag}`,
      type: 'MQTT',
      enabled: true,
      debugMode: false,
      defaultConverterId: { entityType: 'CONVERTER', id: cid },
      downlinkConverterId: null,
      configuration: {
        clientConfiguration: { host: broker.hostname, port: Number(broker.port || 1883), cleanSession: true, retainedMessage: false, ssl: false, connectTimeoutSec: 10, clientId: `e2e-replay-${tag}`, maxBytesInMessage: 32768, credentials: { type: 'anonymous' } },
        topicFilters: [{ filter: `${root}/+/temperature`, qos: 1 }],
        downlinkTopicPattern: '${topic}',
        metadata: {},
      },
    });
    iid = integration.id.id as string;
    await until(async () => (await api('GET', `/api/integration/${iid}/status`)).status === 'CONNECTED', 'the integration to connect');

    // three readings decoded by version 1, which stores them under the wrong key
    for (const v of [21.5, 22, 22.5]) await publish({ mqttUrl, brokerHost: broker.hostname, brokerPort: Number(broker.port || 1883) }, `${root}/${device}/temperature`, JSON.stringify({ value: v }));
    did = await until(async () => (await api('GET', `/api/tenant/devices?pageSize=10&page=0&textSearch=${device}`)).data[0]?.id.id as string | undefined, `device ${device}`);
    await until(async () => (await api('GET', `/api/integration/${iid}/status`)).messagesIn >= 3, 'the three messages to be decoded');

    // the fix, saved in the editor with a comment: version 2
    await page.goto(`${baseUrl}/converters/${cid}`);
    await page.locator('.monaco-editor').first().waitFor();
    await replaceEditorText(page, decoder('temperature'));
    await page.getByRole('textbox', { name: 'Version comment' }).fill('store temperature, not temp');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText(`Converter Replay ${tag} saved`).waitFor();

    // History: both versions, the diff of version 1 against the current script
    await page.getByRole('tab', { name: 'History' }).click();
    await page.waitForURL(new RegExp(`/converters/${UUID}/history$`));
    const rows = page.getByRole('table', { name: 'Versions' }).getByRole('row');
    await until(async () => (await rows.count()) === 3, 'two versions in the history', 15_000);
    expect((await rows.nth(1).textContent())?.includes('store temperature, not temp'), `the newest version is ${await rows.nth(1).textContent()}`);
    await page.getByRole('button', { name: 'Compare version 1' }).click();
    await page.locator('.monaco-diff-editor').waitFor();
    const summary = await page.getByLabel('Diff summary').textContent();
    expect(summary === 'From version 1 to the current script: 1 line added, 1 line removed.', `the diff summary is ${summary}`);
    await page.locator('.monaco-diff-editor .line-insert, .monaco-diff-editor .char-insert').first().waitFor();
    await screenshot('converter-history-diff');

    // Replay: the dry run counts the three changed messages, Apply stores them again
    await page.getByRole('button', { name: 'Replay', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Replay archived messages through Replay ${tag}` });
    await dialog.getByRole('button', { name: 'Dry run' }).click();
    await dialog.getByRole('list', { name: 'Dry run counts' }).waitFor({ timeout: 30_000 });
    const dry = await counts(page, 'Dry run counts');
    expect(dry.Messages === 3 && dry.Changed === 3 && dry.Failed === 0, `the dry run counts are ${JSON.stringify(dry)}`);
    const sample = (await dialog.getByRole('table', { name: 'Samples' }).getByRole('row').nth(1).textContent()) ?? '';
    expect(sample.includes('"temp"') && sample.includes('"temperature"'), `the first sample is ${sample.slice(0, 300)}`);
    await screenshot('converter-replay-dry-run');
    await dialog.getByRole('button', { name: 'Apply', exact: true }).click();
    await page.getByRole('dialog', { name: 'Apply the replay?' }).getByRole('button', { name: 'Apply' }).click();
    await dialog.getByText('Replay done.').waitFor({ timeout: 60_000 });
    const applied = await counts(page, 'Replay result');
    expect(applied.Messages === 3 && applied.Stored === 3 && applied.Failed === 0, `the replay result is ${JSON.stringify(applied)}`);
    await screenshot('converter-replay-applied');

    // stored under the fixed key, at the readings' own times (three points, not one "now")
    const ts = await api('GET', `/api/plugins/telemetry/DEVICE/${did}/values/timeseries?keys=temperature&startTs=0&endTs=${Date.now() + 60_000}&limit=100`);
    const points = (ts.temperature ?? []) as { ts: number; value: unknown }[];
    expect(points.length === 3 && new Set(points.map((p) => p.ts)).size === 3, `temperature after the replay: ${JSON.stringify(points)}`);
    await dialog.getByRole('button', { name: 'Close' }).click();
  } finally {
    // leave the tenant as the guide left it
    if (iid) await rest(page, baseUrl, 'DELETE', `/api/integration/${iid}`);
    if (did) await rest(page, baseUrl, 'DELETE', `/api/device/${did}`);
    await rest(page, baseUrl, 'DELETE', `/api/converter/${cid}`);
  }
}
