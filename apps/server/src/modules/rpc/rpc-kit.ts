// Shared by the RPC medium tests (not a test file itself).
import mqtt, { type MqttClient } from 'mqtt';
import { bearer, type TestPlatform } from '../../../test/helpers.js';
import { createConverter, integrationBody, rnd, type Api, type IntegrationOpts } from '../integrations/test-kit.js';

export const DOWNLINK_NODE = 'org.thingsboard.rule.engine.integration.TbIntegrationDownlinkNode';

/** An MQTT integration with an uplink and a downlink converter. */
export async function createDownlinkIntegration(
  p: Api & Pick<TestPlatform, 'mqttUrl'>,
  o: {
    decoder: string;
    encoder: string;
    filters: IntegrationOpts['filters'];
    port?: number;
    host?: string;
    token?: string;
    converterDebug?: boolean;
  },
): Promise<{ id: string; uplinkId: string; downlinkId: string }> {
  const token = o.token ?? p.tenantToken;
  const uplinkId = await createConverter(p, o.decoder, token);
  const downlinkId = await createConverter(p, o.encoder, token, 'DOWNLINK');
  if (o.converterDebug) {
    const c = await p.http().get(`/api/converter/${downlinkId}`).set(bearer(token));
    await p
      .http()
      .post('/api/converter')
      .set(bearer(token))
      .send({ ...c.body, debugMode: true })
      .expect(200);
  }
  const body = {
    ...integrationBody(p, {
      name: 'MQTT Integration',
      converterId: uplinkId,
      filters: o.filters,
      cleanSession: true,
      port: o.port,
      host: o.host,
    }),
    downlinkConverterId: { entityType: 'CONVERTER', id: downlinkId },
  };
  const r = await p.http().post('/api/integration').set(bearer(token)).send(body);
  if (r.status !== 200) throw new Error(`integration: ${r.status} ${JSON.stringify(r.body)}`);
  return { id: r.body.id.id, uplinkId, downlinkId };
}

/** As the guide: drop an Integration Downlink node into the Root Rule Chain and connect it with `RPC Request to Device`. */
export async function addDownlinkNode(
  p: Api,
  integrationId: string,
  token = p.tenantToken,
  debugMode = false,
): Promise<string> {
  const auth = bearer(token);
  const chains = await p.http().get('/api/ruleChains?pageSize=10&page=0').set(auth);
  const root = chains.body.data.find((c: { root: boolean }) => c.root);
  const md = (await p.http().get(`/api/ruleChain/${root.id.id}/metadata`).set(auth)).body;
  const switchIndex = md.nodes.findIndex((n: { name: string }) => n.name === 'Message Type Switch');
  md.nodes.push({
    type: DOWNLINK_NODE,
    name: 'MQTT Integration Downlink',
    debugMode,
    configuration: { integrationId },
    additionalInfo: { layoutX: 650, layoutY: 350 },
  });
  md.connections.push({
    fromIndex: switchIndex,
    toIndex: md.nodes.length - 1,
    type: 'RPC Request to Device',
  });
  const saved = await p.http().post('/api/ruleChain/metadata').set(auth).send(md);
  if (saved.status !== 200) throw new Error(`metadata: ${saved.status} ${JSON.stringify(saved.body)}`);
  return saved.body.nodes[saved.body.nodes.length - 1].id.id;
}

export async function createDevice(p: Api, name: string, token = p.tenantToken): Promise<string> {
  const r = await p.http().post('/api/device').set(bearer(token)).send({ name, type: 'sensor' });
  if (r.status !== 200) throw new Error(`device: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id.id;
}

/** A client subscribed to `topic`; `next()` resolves with the next payload (as text). */
export async function subscriber(
  url: string,
  topic: string,
): Promise<{ client: MqttClient; messages: string[]; next(timeoutMs?: number): Promise<string> }> {
  const client = await mqtt.connectAsync(url, { clientId: `bb-sub-${rnd()}` });
  await client.subscribeAsync(topic, { qos: 1 });
  const messages: string[] = [];
  const waiters: ((m: string) => void)[] = [];
  client.on('message', (_t, m) => {
    const s = m.toString('utf8');
    const w = waiters.shift();
    if (w) w(s);
    else messages.push(s);
  });
  return {
    client,
    messages,
    next: (timeoutMs = 10000) =>
      messages.length
        ? Promise.resolve(messages.shift()!)
        : new Promise((resolve, reject) => {
            const t = setTimeout(
              () => reject(new Error(`nothing arrived on ${topic} within ${timeoutMs} ms`)),
              timeoutMs,
            );
            waiters.push((m) => {
              clearTimeout(t);
              resolve(m);
            });
          }),
  };
}

export async function waitConnected(
  p: Api,
  integrationId: string,
  token = p.tenantToken,
): Promise<void> {
  const end = Date.now() + 15000;
  let last: unknown;
  while (Date.now() < end) {
    const r = await p.http().get(`/api/integration/${integrationId}/status`).set(bearer(token));
    if (r.body.status === 'CONNECTED') return;
    last = r.body;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`integration ${integrationId} did not connect: ${JSON.stringify(last)}`);
}

/** Device `prefix/<name>/...` answering with {id, reply}: every uplink is that call's rpcResponse. */
export const replyDecoder = (prefix: string) => `var d = decodeToJson(payload);
var name = metadata.topic.substring(${prefix.length + 1}).split('/')[0];
return {deviceName: name, deviceType: 'sensor', rpcResponse: {requestId: d.id, data: d.reply}};`;

/** Sends {id: requestUUID, method, params} to `prefix/<device>/rx`. */
export const requestEncoder = (prefix: string) =>
  `return {contentType: 'JSON', data: JSON.stringify({id: metadata.requestUUID, method: msg.method, params: JSON.parse(msg.params)}), metadata: {topic: '${prefix}/' + metadata.deviceName + '/rx'}};`;
