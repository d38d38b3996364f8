/**
 * Issue 10, point 17 — stored XSS: names, keys and values carrying script payloads, stored
 * through the REST API and through the real uplink path (MQTT → decoder → device, telemetry,
 * debug events), are shown on every list and detail page of the web app as text: no payload
 * runs (window.__xss stays undefined) and no dialog opens.
 *
 *   await xssScenario({ page, baseUrl, mqttUrl, screenshot, token? | login? });
 *
 * Runs alone (arranges its own entities, prefixed "xss-"); logs in over REST when the page
 * has no token yet. Screenshots: xss-devices, xss-device-<tab>, xss-converter-*, xss-integration-*,
 * xss-rule-chain, xss-dashboard.
 */
import type { Dialog, Page } from 'playwright-core';
import { connectAsync } from 'mqtt';

export interface XssContext {
  page: Page;
  baseUrl: string;
  mqttUrl?: string;
  screenshot: (name: string) => Promise<unknown>;
  /** an access token of a tenant admin; else `login` is used */
  token?: string;
  login?: { username: string; password: string };
}

/** Each payload sets window.__xss to its own number if it ever runs. */
export const PAYLOADS = [
  '<img src=x onerror=window.__xss=1>',
  '"><svg onload=window.__xss=2>',
  '<script>window.__xss=3</script>',
  '\'><iframe srcdoc="<script>parent.__xss=4</script>">',
  'javascript:window.__xss=5',
  '<a href="javascript:window.__xss=6" id=xss-link>x</a>',
  '<img src=x onerror=alert(7)>',
] as const;

function fail(step: string, detail: string): never {
  throw new Error(`xss: ${step}: ${detail}`);
}

export async function xssScenario(ctx: XssContext): Promise<{ pages: number; payloads: number }> {
  const { page, baseUrl, screenshot } = ctx;
  const dialogs: string[] = [];
  const onDialog = (d: Dialog) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss().catch(() => undefined);
  };
  page.on('dialog', onDialog);
  try {
    const token = await ensureToken(ctx);
    const api = async (method: string, path: string, body?: unknown) => {
      const r = await page.request.fetch(`${baseUrl}${path}`, {
        method,
        headers: { 'X-Authorization': `Bearer ${token}`, 'Content-Type': 'application/json' },
        data: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await r.text();
      if (!r.ok()) fail(`${method} ${path}`, `${r.status()} ${text.slice(0, 300)}`);
      return text ? JSON.parse(text) : undefined;
    };
    const tag = Math.random().toString(36).slice(2, 7);
    const [p1, p2, p3, p4, p5, p6, p7] = PAYLOADS;

    // stored over REST
    const device = await api('POST', '/api/device', {
      name: `xss-${tag} ${p1}`,
      type: `${p2}`,
      label: `${p3} ${p5}`,
    });
    const did = device.id.id as string;
    await api('POST', `/api/plugins/telemetry/DEVICE/${did}/timeseries/ANY`, {
      [p1]: p2,
      [`k-${tag}`]: p3,
      temp: 21,
    });
    await api('POST', `/api/plugins/telemetry/DEVICE/${did}/attributes/SERVER_SCOPE`, { [p4]: p6, note: p7 });
    const decoder = `// ${p1}
var d = JSON.parse(String.fromCharCode.apply(String, payload));
return { deviceName: d.name, deviceType: d.type, telemetry: d.values, attributes: d.attrs };`;
    const converter = await api('POST', '/api/converter', {
      name: `xss-${tag} ${p2}`,
      type: 'UPLINK',
      debugMode: true,
      configuration: { scriptLang: 'JS', decoder },
      additionalInfo: { description: p3 },
    });
    const cid = converter.id.id as string;
    const topic = `xss/${tag}`;
    const broker = ctx.mqttUrl ? new URL(ctx.mqttUrl) : null;
    const integration = await api('POST', '/api/integration', {
      name: `xss-${tag} ${p4}`,
      type: 'MQTT',
      enabled: !!broker,
      debugMode: true,
      defaultConverterId: { entityType: 'CONVERTER', id: cid },
      configuration: {
        clientConfiguration: {
          host: broker?.hostname ?? '127.0.0.1',
          port: Number(broker?.port || 1883),
          clientId: `xss-${tag}`,
        },
        topicFilters: [{ filter: `${topic}/#`, qos: 1 }],
        metadata: { [p5]: p1 },
      },
    });
    const iid = integration.id.id as string;
    let uplinkDevice: string | null = null;
    if (broker) {
      // through the real path: the decoder names a device and keys after the payloads
      await waitFor(
        async () => (await api('GET', `/api/integration/${iid}/status`)).status === 'CONNECTED',
        'integration connected',
      );
      const c = await connectAsync(ctx.mqttUrl!, { clientId: `xss-pub-${tag}` });
      await c.publishAsync(
        `${topic}/${p1}`,
        JSON.stringify({ name: `xss-${tag}-up ${p6}`, type: p7, values: { [p2]: p3 }, attrs: { [p3]: p4 } }),
        { qos: 1 },
      );
      await c.endAsync();
      const found = await waitFor(async () => {
        const r = await api(
          'GET',
          `/api/tenant/devices?pageSize=10&page=0&textSearch=${encodeURIComponent(`xss-${tag}-up`)}`,
        );
        return r.data[0]?.id.id as string | undefined;
      }, 'device created by the uplink');
      uplinkDevice = found ?? null;
    }
    const chain = await api('POST', '/api/ruleChain', { name: `xss-${tag} ${p1}` });
    const rcid = chain.id.id as string;
    await api('POST', '/api/ruleChain/metadata', {
      ruleChainId: { entityType: 'RULE_CHAIN', id: rcid },
      firstNodeIndex: 0,
      nodes: [
        {
          type: 'org.thingsboard.rule.engine.action.TbLogNode',
          name: `${p2}`,
          configuration: { scriptLang: 'JS', jsScript: `return '${tag}';` },
          additionalInfo: { layoutX: 200, layoutY: 150, description: p3 },
        },
      ],
      connections: [],
    });
    const dashboard = await api('POST', '/api/dashboard', {
      title: `xss-${tag} ${p6}`,
      configuration: {
        description: p1,
        entityAliases: {
          a1: {
            id: 'a1',
            alias: `${p2}`,
            filter: { type: 'singleEntity', singleEntity: { entityType: 'DEVICE', id: did } },
          },
        },
        widgets: {
          w1: {
            id: 'w1',
            type: 'latest-values',
            title: `${p3}`,
            datasources: [
              {
                type: 'entity',
                entityAliasId: 'a1',
                dataKeys: [
                  { name: p1, type: 'timeseries', label: p4 },
                  { name: p4, type: 'attribute' },
                ],
              },
            ],
            settings: {},
          },
        },
        layout: { columns: 24, widgets: { w1: { col: 0, row: 0, sizeX: 8, sizeY: 5 } } },
      },
    });
    const dbid = dashboard.id.id as string;

    // every list and detail page
    const pages: [string, string][] = [
      ['xss-devices', '/devices'],
      ...['details', 'attributes', 'latest', 'chart', 'rpc'].map((t): [string, string] => [
        `xss-device-${t}`,
        `/devices/${did}/${t}`,
      ]),
      ...(uplinkDevice
        ? (['attributes', 'latest'].map((t) => [
            `xss-uplink-device-${t}`,
            `/devices/${uplinkDevice}/${t}`,
          ]) as [string, string][])
        : []),
      ['xss-converters', '/converters'],
      ['xss-converter-script', `/converters/${cid}/script`],
      ['xss-converter-events', `/converters/${cid}/events`],
      ['xss-integrations', '/integrations'],
      ['xss-integration-settings', `/integrations/${iid}/settings`],
      ['xss-integration-events', `/integrations/${iid}/events`],
      ['xss-rule-chains', '/rule-chains'],
      ['xss-rule-chain', `/rule-chains/${rcid}`],
      ['xss-dashboards', '/dashboards'],
      ['xss-dashboard', `/dashboards/${dbid}`],
    ];
    for (const [shot, path] of pages) {
      await page.goto(`${baseUrl}${path}`);
      await page.waitForLoadState('networkidle').catch(() => undefined);
      await page.waitForTimeout(300);
      // hover and click what carries a payload, in case a handler only fires then
      for (const el of (await page.locator('a[href^="javascript:"], #xss-link').all()).slice(0, 5))
        await el.hover().catch(() => undefined);
      const ran = await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss);
      if (ran !== undefined) {
        await screenshot(`${shot}-FAILED`);
        fail(path, `payload ${String(ran)} ran (window.__xss = ${JSON.stringify(ran)})`);
      }
      if (dialogs.length) fail(path, `a dialog opened: ${dialogs.join('; ')}`);
      const injected = await page.evaluate(
        () => document.querySelectorAll('img[src="x"], svg[onload], iframe[srcdoc], #xss-link').length,
      );
      if (injected) fail(path, `${injected} element(s) from a payload are in the page's DOM`);
      await screenshot(shot);
    }
    // the payloads were shown, as text
    await page.goto(`${baseUrl}/devices`);
    await page
      .getByText(`xss-${tag} ${p1}`, { exact: false })
      .first()
      .waitFor()
      .catch(() =>
        fail(
          '/devices',
          `the device named with a payload is not shown as text (at ${page.url()}; dialogs: ${dialogs.join('; ') || 'none'})`,
        ),
      );
    return { pages: pages.length, payloads: PAYLOADS.length };
  } finally {
    page.off('dialog', onDialog);
  }
}

export default xssScenario;

async function ensureToken(ctx: XssContext): Promise<string> {
  const { page, baseUrl } = ctx;
  await page.goto(`${baseUrl}/devices`);
  let token = ctx.token ?? (await page.evaluate(() => localStorage.getItem('bb.token')));
  let refresh: string | null = null;
  if (!token) {
    if (!ctx.login) fail('login', 'no token and no credentials');
    const r = await page.request.post(`${baseUrl}/api/auth/login`, { data: ctx.login });
    if (!r.ok()) fail('login', `${r.status()} ${await r.text()}`);
    const pair = (await r.json()) as { token: string; refreshToken: string };
    token = pair.token;
    refresh = pair.refreshToken;
  }
  await page.evaluate(
    ([t, r]) => {
      localStorage.setItem('bb.token', t!);
      if (r) localStorage.setItem('bb.refreshToken', r);
    },
    [token, refresh] as const,
  );
  return token;
}

async function waitFor<T>(fn: () => Promise<T | undefined | false>, what: string, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return fail(what, `not reached in ${ms} ms${last ? `: ${String(last)}` : ''}`);
}
