/**
 * Issue 19 in the browser: a decoder that stores the wrong key and throws on one payload shape; three good
 * messages and one bad (quarantined). In the editor the fix is tried on the quarantined message and on the
 * archive, then saved with a version comment; the History shows both versions and the diff; the Replay
 * dialog's dry run counts the three changed messages and Apply stores them again at their original times;
 * the integration's Quarantine tab reprocesses the bad one. Runs on its own converter, integration and
 * topic, and removes them afterwards, so the guide's tenant is left as it was.
 */
import type { Page } from 'playwright-core';
import { expect, publish, replaceEditorText, rest, UUID } from '../steps/common.js';

interface Ctx {
  page: Page;
  baseUrl: string;
  mqttUrl: string;
  screenshot: (name: string) => Promise<unknown>;
}

const HEAD = `var data = JSON.parse(String.fromCharCode.apply(String, payload));\nvar deviceName = metadata.topic.split('/')[1];\n`;
/** version 1: stores the reading under the wrong key, and throws on the newer firmware's {"t": N} */
const BROKEN = `${HEAD}if (data.value === undefined) throw new Error('no value in the payload');\nreturn { deviceName: deviceName, deviceType: 'sensor', telemetry: { temp: data.value } };\n`;
/** version 2, the fix: the right key, both payload shapes */
const FIXED = `${HEAD}var value = data.value !== undefined ? data.value : data.t;\nreturn { deviceName: deviceName, deviceType: 'sensor', telemetry: { temperature: value } };\n`;

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
  const converter = await api('POST', '/api/converter', { name: `Replay ${tag}`, type: 'UPLINK', debugMode: false, configuration: { scriptLang: 'JS', decoder: BROKEN } });
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

    // three readings decoded by version 1, which stores them under the wrong key; one it throws on
    const at = { mqttUrl, brokerHost: broker.hostname, brokerPort: Number(broker.port || 1883) };
    // one at a time: two readings of one device taken in the same millisecond would share a ts (no ts in the payload)
    for (const [i, v] of [21.5, 22, 22.5].entries()) {
      await publish(at, `${root}/${device}/temperature`, JSON.stringify({ value: v }));
      await until(async () => (await api('GET', `/api/integration/${iid}/status`)).messagesIn >= i + 1, `reading ${i + 1} to be received`);
    }
    did = await until(async () => (await api('GET', `/api/tenant/devices?pageSize=10&page=0&textSearch=${device}`)).data[0]?.id.id as string | undefined, `device ${device}`);
    await until(async () => (await api('GET', `/api/integration/${iid}/status`)).messagesIn >= 3, 'the three messages to be decoded');
    await publish(at, `${root}/${device}/temperature`, JSON.stringify({ t: 23 }));
    await until(async () => (await api('GET', `/api/integration/${iid}/status`)).quarantined >= 1, 'the bad message in the quarantine');

    // the fix, in the editor: tried on the quarantined message and on the archive, then saved with a comment (version 2)
    await page.goto(`${baseUrl}/converters/${cid}`);
    await page.locator('.monaco-editor').first().waitFor();
    await replaceEditorText(page, FIXED);
    await page.getByRole('button', { name: 'Load a quarantined message' }).click();
    await page.getByRole('dialog', { name: 'Load a quarantined message' }).getByRole('button', { name: /^Use the message of/ }).first().click();
    expect((await page.getByRole('textbox', { name: 'Payload', exact: true }).inputValue()) === '{"t":23}', `the test payload is ${await page.getByRole('textbox', { name: 'Payload', exact: true }).inputValue()}`);
    await page.getByRole('button', { name: 'Test decoder function' }).click();
    const out = (await page.getByLabel('Output', { exact: true }).textContent()) ?? '';
    expect(out.includes('"temperature": 23'), `the test output is ${out}`);
    await page.getByRole('button', { name: 'Run on the last 50 archived messages' }).click();
    await page.getByRole('list', { name: 'Archive test counts' }).waitFor({ timeout: 30_000 });
    const past = await counts(page, 'Archive test counts');
    expect(past.Messages === 3 && past.Decoded === 3 && past.Changed === 3 && past.Failed === 0, `the archive test counts are ${JSON.stringify(past)}`);
    const diff = (await page.getByRole('table', { name: 'Differences saved vs edited' }).getByRole('row').nth(1).textContent()) ?? '';
    expect(diff.includes('values.temp: 2') && diff.includes('values.temperature: — → 2'), `the first difference is ${diff.slice(0, 300)}`);
    await screenshot('converter-test-on-archive');
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
    expect(summary === 'From version 1 to the current script: 2 lines added, 2 lines removed.', `the diff summary is ${summary}`);
    await page.locator('.monaco-diff-editor .line-insert, .monaco-diff-editor .char-insert').first().waitFor();
    await screenshot('converter-history-diff');

    // Replay: the dry run counts the three changed messages, Apply stores them again
    await page.getByRole('button', { name: 'Replay', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Replay archived messages through Replay ${tag}` });
    await dialog.getByRole('button', { name: 'Dry run' }).click();
    await dialog.getByRole('list', { name: 'Dry run counts' }).waitFor({ timeout: 30_000 });
    const dry = await counts(page, 'Dry run counts');
    expect(dry.Messages === 3 && dry.Changed === 3 && dry.Failed === 0, `the dry run counts are ${JSON.stringify(dry)}`);
    const sample = (await dialog.getByRole('table', { name: 'Samples' }).getByRole('row').nth(1).getByRole('list', { name: 'Changes' }).textContent()) ?? '';
    expect(/values\.temp: 2[12](\.5)? → —/.test(sample) && /values\.temperature: — → 2[12]/.test(sample), `the first sample's changes are ${sample.slice(0, 300)}`);
    await screenshot('converter-replay-dry-run');
    await dialog.getByRole('button', { name: 'Apply', exact: true }).click();
    await page.getByRole('dialog', { name: 'Apply the replay?' }).getByRole('button', { name: 'Apply' }).click();
    await dialog.getByText('Replay done.').waitFor({ timeout: 60_000 });
    const applied = await counts(page, 'Replay result');
    expect(applied.Messages === 3 && applied.Stored === 3 && applied.Failed === 0, `the replay result is ${JSON.stringify(applied)}`);
    await screenshot('converter-replay-applied');

    await dialog.getByRole('button', { name: 'Close' }).click();

    // the integration's quarantine: the bad message with its error, reprocessed through the fix
    await page.goto(`${baseUrl}/integrations/${iid}/quarantine`);
    await page.getByRole('tab', { name: 'Quarantine (1)' }).waitFor();
    const bad = page.getByRole('table', { name: 'Quarantined messages' }).getByRole('row').nth(1);
    await bad.waitFor();
    const badText = (await bad.textContent()) ?? '';
    expect(badText.includes('no value in the payload') && badText.includes('{"t":23}'), `the quarantined row is ${badText}`);
    await screenshot('integration-quarantine');
    await page.getByRole('button', { name: 'Reprocess all' }).click();
    await page.getByText('Reprocessed 1 message: 1 stored, 0 failed again').waitFor({ timeout: 30_000 });
    await page.getByText('Nothing in quarantine').waitFor();

    // stored under the fixed key, at the readings' own times (four points, not one "now")
    let last: { ts: number; value: unknown }[] = [];
    const points = await until(async () => {
      const ts = await api('GET', `/api/plugins/telemetry/DEVICE/${did}/values/timeseries?keys=temperature&startTs=0&endTs=${Date.now() + 60_000}&limit=100`);
      const p = (ts.temperature ?? []) as { ts: number; value: unknown }[];
      last = p;
      return p.length >= 4 && p;
    }, 'four temperature points', 60_000).catch(() => last);
    expect(Array.isArray(points) && new Set(points.map((p) => p.ts)).size === 4, `temperature after the replay and the reprocess: ${JSON.stringify(points)}`);
  } finally {
    // leave the tenant as the guide left it
    if (iid) await rest(page, baseUrl, 'DELETE', `/api/integration/${iid}`);
    if (did) await rest(page, baseUrl, 'DELETE', `/api/device/${did}`);
    await rest(page, baseUrl, 'DELETE', `/api/converter/${cid}`);
  }
}
