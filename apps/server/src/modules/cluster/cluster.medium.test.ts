import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { MqttClient } from 'mqtt';
import type { DebugEvent } from '@bridgeboard/contracts';
import { bearer, createTestDatabase, eventually, type TestPlatform } from '../../../test/helpers.js';
import {
  createConverter,
  createIntegration,
  integrationBody,
  publisher,
  rnd,
  SEQ_DECODER,
  deviceByName,
  countPoints,
} from '../integrations/test-kit.js';
import {
  addDownlinkNode,
  createDevice,
  DOWNLINK_NODE,
  createDownlinkIntegration,
  replyDecoder,
  requestEncoder,
  subscriber,
} from '../rpc/rpc-kit.js';
import { io, type Socket } from 'socket.io-client';
import { clusterView, owners, startNode, waitOwner } from './cluster-kit.js';

function connect(p: TestPlatform): Promise<Socket> {
  const s = io(p.url, {
    path: '/socket.io',
    transports: ['websocket'],
    auth: { token: p.tenantToken },
    reconnection: false,
  });
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve(s));
    s.once('connect_error', (e) => reject(e));
  });
}

/** An integration devices answer calls through (`rp/<device>/rx` → `rp/<device>/tx`), the Root Rule Chain's downlink nodes pointed at it. */
async function replyingIntegration(p: TestPlatform, rp: string): Promise<{ id: string }> {
  const integ = await createDownlinkIntegration(p, {
    decoder: replyDecoder(rp),
    encoder: requestEncoder(rp),
    filters: [{ filter: `${rp}/+/tx`, qos: 1 }],
  });
  await downlinkTo(p, integ.id);
  return integ;
}

/** The Root Rule Chain's downlink nodes send to this integration from now on. */
async function downlinkTo(p: TestPlatform, integrationId: string): Promise<void> {
  const chains = await p.http().get('/api/ruleChains?pageSize=10&page=0').set(bearer(p.tenantToken));
  const root = (chains.body.data as { root: boolean; id: { id: string } }[]).find((c) => c.root)!;
  const md = (await p.http().get(`/api/ruleChain/${root.id.id}/metadata`).set(bearer(p.tenantToken))).body;
  for (const n of md.nodes as { type: string; configuration: { integrationId: string } }[])
    if (n.type === DOWNLINK_NODE) n.configuration.integrationId = integrationId;
  await p.http().post('/api/ruleChain/metadata').set(bearer(p.tenantToken)).send(md).expect(200);
}

/** The device answers every call with {got: params}. */
function answerCalls(device: MqttClient, pub: MqttClient, topic: string): void {
  device.on('message', (_t, m) => {
    const req = JSON.parse(m.toString()) as { id: string; params: number };
    void pub.publishAsync(topic, JSON.stringify({ id: req.id, reply: { got: req.params } }), { qos: 1 });
  });
}

describe('two nodes on one database', () => {
  let db: { url: string; drop(): Promise<void> };
  let a: TestPlatform;
  let b: TestPlatform | null = null;
  const prefix = `cl-${rnd()}`;
  const ids: string[] = [];
  let converterId = '';

  beforeAll(async () => {
    db = await createTestDatabase();
    a = await startNode(db.url, 'node-a');
  });
  afterAll(async () => {
    await b?.stop();
    await a.stop();
    await db.drop();
  });

  it('a single node runs every integration, and GET /api/cluster shows it (system administrator only)', async () => {
    converterId = await createConverter(a, SEQ_DECODER);
    for (let i = 0; i < 10; i++) {
      const { id } = await createIntegration(a, {
        converterId,
        filters: [{ filter: `${prefix}/${i}/#`, qos: 1 }],
        name: `Cluster ${i}`,
      });
      ids.push(id);
    }
    for (const id of ids) await waitOwner(a, id, 'node-a');
    const v = await clusterView(a);
    expect(v.self).toBe('node-a');
    expect(v.nodes.map((n) => [n.id, n.status, n.integrations.length])).toEqual([['node-a', 'ALIVE', 10]]);
    expect(v.nodes[0]!.load).toMatchObject({ integrations: 10, rssMb: expect.any(Number) });
    expect((await a.http().get('/api/cluster').set(bearer(a.tenantToken))).status).toBe(403);
  });

  it('a node that joins takes a share of the 10 integrations, and every one stays CONNECTED', async () => {
    b = await startNode(db.url, 'node-b');
    const shares = await eventually(
      async () => {
        const o = await owners(b!);
        return o['node-a']?.length === 5 && o['node-b']?.length === 5 ? o : null;
      },
      20000,
      200,
    );
    expect(new Set([...shares['node-a']!, ...shares['node-b']!])).toEqual(new Set(ids));
    for (const id of ids) await waitOwner(a, id, /node-[ab]/);
    // status is the cluster's: either node answers CONNECTED for an integration the other runs
    for (const id of ids) {
      const r = await a.http().get(`/api/integration/${id}/status`).set(bearer(a.tenantToken));
      expect(r.body.status).toBe('CONNECTED');
    }
    expect((await clusterView(b!)).nodes.map((n) => n.id)).toEqual(['node-a', 'node-b']);
  });

  it('an integration changed, disabled, enabled and deleted through the node that does not run it changes on the node that does', async () => {
    const o = await owners(a);
    const id = o['node-b']![0]!;
    const auth = bearer(a.tenantToken);
    const pub = await publisher(a.mqttUrl);
    try {
      // change (through A): a new topic filter, which only B's connection can serve
      const cur = (await a.http().get(`/api/integration/${id}`).set(auth)).body;
      const moved = `${prefix}/moved-${rnd()}`;
      const changed = {
        ...cur,
        configuration: { ...cur.configuration, topicFilters: [{ filter: `${moved}/#`, qos: 1 }] },
      };
      await a.http().post('/api/integration').set(auth).send(changed).expect(200);
      await waitOwner(a, id, 'node-b');
      const device = `CL-${rnd()}`;
      await eventually(
        async () => {
          await pub.publishAsync(`${moved}/x`, JSON.stringify({ d: device, seq: 1, ts: Date.now() }), {
            qos: 1,
          });
          const dev = await deviceByName(a, device);
          return dev && (await countPoints(a, dev.id.id)) > 0;
        },
        15000,
        500,
      );
      // A, which does not run it, shows its rates as of B's last counter flush
      await eventually(
        async () => {
          const s = (await a.http().get(`/api/integration/${id}/status`).set(auth)).body;
          return (s.rates?.perMinute as number[] | undefined)?.some((n) => n > 0);
        },
        20000,
        500,
      );

      // disable (through A): B stops it, nobody runs it
      const v1 = (await a.http().get(`/api/integration/${id}`).set(auth)).body;
      await a
        .http()
        .post('/api/integration')
        .set(auth)
        .send({ ...v1, enabled: false })
        .expect(200);
      await eventually(
        async () => {
          const v = await clusterView(a);
          return (
            !v.nodes.some((n) => n.integrations.some((i) => i.id === id)) &&
            (await b!.http().get(`/api/integration/${id}/status`).set(bearer(b!.tenantToken))).body.status ===
              'DISCONNECTED'
          );
        },
        10000,
        100,
      );

      // enable again (through A): some node runs it
      const v2 = (await a.http().get(`/api/integration/${id}`).set(auth)).body;
      await a
        .http()
        .post('/api/integration')
        .set(auth)
        .send({ ...v2, enabled: true })
        .expect(200);
      await waitOwner(a, id, /node-[ab]/);

      // delete (through the node that does not run it)
      const runner = (await clusterView(a)).nodes.find((n) => n.integrations.some((i) => i.id === id))!.id;
      const other = runner === 'node-a' ? b! : a;
      await other.http().delete(`/api/integration/${id}`).set(bearer(other.tenantToken)).expect(200);
      await eventually(
        async () => !(await clusterView(a)).nodes.some((n) => n.integrations.some((i) => i.id === id)),
        10000,
        100,
      );
      const left = runner === 'node-a' ? a : b!;
      const { IntegrationRuntime } = await import('../integrations/runtime/integration-runtime.js');
      expect(left.app.get(IntegrationRuntime).runningIds()).not.toContain(id);
      ids.splice(ids.indexOf(id), 1);

      // create (through either node): it runs somewhere
      const { id: created } = await createIntegration(b!, {
        converterId,
        filters: [{ filter: `${prefix}/new/#`, qos: 1 }],
        name: 'Cluster new',
      });
      ids.push(created);
      await waitOwner(a, created, /node-[ab]/);
    } finally {
      await pub.endAsync();
    }
  });

  it('RPC through the node that does not run the integration reaches the device, one-way and two-way', async () => {
    const rp = `${prefix}/rpc`;
    const integ = await createDownlinkIntegration(a, {
      decoder: replyDecoder(rp),
      encoder: requestEncoder(rp),
      filters: [{ filter: `${rp}/+/tx`, qos: 1 }],
    });
    await addDownlinkNode(a, integ.id);
    const v = await waitOwner(a, integ.id, /node-[ab]/);
    const runner = v.nodes.find((n) => n.integrations.some((i) => i.id === integ.id))!.id;
    const via = runner === 'node-a' ? b! : a;
    const deviceId = await createDevice(a, 'RPC-1');
    const device = await subscriber(a.mqttUrl, `${rp}/RPC-1/rx`);
    const pub = await publisher(a.mqttUrl);
    try {
      const one = await via
        .http()
        .post(`/api/plugins/rpc/oneway/${deviceId}`)
        .set(bearer(via.tenantToken))
        .send({ method: 'setValue', params: 41 });
      expect({ status: one.status, body: one.body }).toEqual({ status: 200, body: {} });
      expect(JSON.parse(await device.next())).toMatchObject({ method: 'setValue', params: 41 });
      device.client.on('message', (_t, m) => {
        const req = JSON.parse(m.toString()) as { id: string; params: number };
        void pub.publishAsync(`${rp}/RPC-1/tx`, JSON.stringify({ id: req.id, reply: { got: req.params } }), {
          qos: 1,
        });
      });
      const two = await via
        .http()
        .post(`/api/plugins/rpc/twoway/${deviceId}`)
        .set(bearer(via.tenantToken))
        .send({ method: 'getValue', params: 42, timeout: 8000 });
      expect(two.status).toBe(200);
      expect(two.body).toEqual({ got: 42 });
    } finally {
      await device.client.endAsync();
      await pub.endAsync();
    }
    await a.http().delete(`/api/integration/${integ.id}`).set(bearer(a.tenantToken)).expect(200);
  });

  it('a device reply no call waits for stays on the node that got it: only an awaited reply is passed on', async () => {
    const rp = `${prefix}/lone`;
    const integ = await replyingIntegration(a, rp);
    const v = await waitOwner(a, integ.id, /node-[ab]/);
    const runner = v.nodes.find((n) => n.integrations.some((i) => i.id === integ.id))!.id;
    const [owner, via] = runner === 'node-a' ? [a, b!] : [b!, a];
    const deviceId = await createDevice(a, 'LONE-1');
    const heard: string[] = [];
    const listener = new pg.Client({ connectionString: db.url });
    await listener.connect();
    listener.on('notification', (n) => heard.push((JSON.parse(n.payload!) as { type: string }).type));
    await listener.query('LISTEN bridgeboard_cluster');
    const device = await subscriber(a.mqttUrl, `${rp}/LONE-1/rx`);
    const pub = await publisher(a.mqttUrl);
    try {
      // 20 replies nobody asked for (a converter giving rpcResponse on every uplink)
      for (let i = 0; i < 20; i++)
        await pub.publishAsync(`${rp}/LONE-1/tx`, JSON.stringify({ id: `nobody-${i}`, reply: i }), { qos: 1 });
      await eventually(
        async () =>
          (await owner.http().get(`/api/integration/${integ.id}/status`).set(bearer(owner.tenantToken))).body
            .messagesIn >= 20 || null,
        15000,
        200,
      );
      // counted on arrival, decoded a moment later: time for the replies to be passed on, were they
      await new Promise((r) => setTimeout(r, 1500));
      expect(heard.filter((t) => t === 'rpcResponse')).toEqual([]);
      answerCalls(device.client, pub, `${rp}/LONE-1/tx`);
      // a call through the other node: its reply is passed on
      const two = await via
        .http()
        .post(`/api/plugins/rpc/twoway/${deviceId}`)
        .set(bearer(via.tenantToken))
        .send({ method: 'getValue', params: 7, timeout: 8000 });
      expect({ status: two.status, body: two.body }).toEqual({ status: 200, body: { got: 7 } });
      // the test's own LISTEN may hear the reply a moment after the node that waited for it
      await eventually(async () => heard.includes('rpcResponse') || null, 5000, 50);
    } finally {
      await listener.end();
      await device.client.endAsync();
      await pub.endAsync();
    }
    await a.http().delete(`/api/integration/${integ.id}`).set(bearer(a.tenantToken)).expect(200);
  });

  it('a persistent call left SENT by a node that is gone is taken over: sent again, and its reply stored', async () => {
    const rp = `${prefix}/orphan`;
    const integ = await replyingIntegration(a, rp);
    await waitOwner(a, integ.id, /node-[ab]/);
    const deviceId = await createDevice(a, 'ORPHAN-1');
    const tenantId = (await a.http().get(`/api/device/${deviceId}`).set(bearer(a.tenantToken))).body.tenantId.id;
    const device = await subscriber(a.mqttUrl, `${rp}/ORPHAN-1/rx`);
    const pub = await publisher(a.mqttUrl);
    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    try {
      answerCalls(device.client, pub, `${rp}/ORPHAN-1/tx`);
      // what a node killed between sending the call and the broker's acknowledgement leaves behind
      const id = randomUUID();
      const request = { id, oneway: false, persisted: true, body: { method: 'getValue', params: '5' }, requestId: 77 };
      await sql.query(
        `INSERT INTO rpc (id, created_time, tenant_id, device_id, expiration_time, oneway, request, status, node_id)
         VALUES ($1, $2, $3, $4, $5, false, $6, 'SENT', 'node-killed')`,
        [id, Date.now(), tenantId, deviceId, Date.now() + 60_000, JSON.stringify(request)],
      );
      const done = await eventually(
        async () => {
          const r = await a.http().get(`/api/rpc/persistent/${id}`).set(bearer(a.tenantToken));
          return r.body.status === 'SUCCESSFUL' ? r.body : null;
        },
        20000,
        200,
      );
      expect(done.response).toEqual({ got: 5 });
    } finally {
      await sql.end();
      await device.client.endAsync();
      await pub.endAsync();
    }
    await a.http().delete(`/api/integration/${integ.id}`).set(bearer(a.tenantToken)).expect(200);
  });

  it('a socket on one node receives the telemetry the other node ingests; the live push event of a debugged message says what the ingesting node sent', async () => {
    const o = await owners(a);
    const id = o['node-a']![0]!;
    const saved = async () => (await a.http().get(`/api/integration/${id}`).set(bearer(a.tenantToken))).body;
    const topic = ((await saved()).configuration.topicFilters[0].filter as string).replace('#', 'live');
    const debug = async (on: boolean) =>
      a.http().post('/api/integration').set(bearer(a.tenantToken)).send({ ...(await saved()), debugMode: on }).expect(200);
    await debug(true);
    const device = `LIVE-${rnd()}`;
    const pub = await publisher(a.mqttUrl);
    const s = await connect(b!);
    const got: { deviceId: string; data: Record<string, unknown> }[] = [];
    s.on('telemetry', (x) => got.push(x));
    try {
      await pub.publishAsync(topic, JSON.stringify({ d: device, seq: 0, ts: Date.now() }), { qos: 1 });
      const dev = await eventually(() => deviceByName(a, device), 10000, 100);
      expect(await s.emitWithAck('subscribe', { room: `device:${dev.id.id}` })).toEqual({ ok: true });
      let seq = 1;
      await eventually(
        async () => {
          await pub.publishAsync(topic, JSON.stringify({ d: device, seq: seq++, ts: Date.now() }), {
            qos: 1,
          });
          await new Promise((r) => setTimeout(r, 200));
          return got.length > 0;
        },
        15000,
        100,
      );
      expect(got[0]).toMatchObject({
        deviceId: dev.id.id,
        data: { seq: [expect.objectContaining({ value: expect.any(Number) })] },
      });
      // node-a stored the message and pushed it: no socket of its own watched, node-b's got it through the adapter
      const pushes = await eventually(async () => {
        const r = await b!.http().get(`/api/events/DEVICE/${dev.id.id}?pageSize=50&page=0`).set(bearer(b!.tenantToken));
        const live = (r.body.data as DebugEvent[]).filter((e) => e.type === 'DEBUG_LIVE' && e.body.otherNodes === 1);
        return live.length ? live : null;
      });
      expect(pushes[0]!.body).toEqual({ type: 'LIVE', event: 'telemetry', keys: ['seq'], sockets: 0, rooms: [], node: 'node-a', otherNodes: 1 });
    } finally {
      s.disconnect();
      await pub.endAsync();
      await debug(false);
    }
  });

  it('telemetry no socket on another node watches is not sent between nodes', async () => {
    const o = await owners(a);
    const id = o['node-a']![0]!;
    const topic = (
      (await a.http().get(`/api/integration/${id}`).set(bearer(a.tenantToken))).body.configuration
        .topicFilters[0].filter as string
    ).replace('#', 'quiet');
    const [watched, unwatched] = [`W-${rnd()}`, `U-${rnd()}`];
    const pub = await publisher(a.mqttUrl);
    const heard: string[] = [];
    const listener = new pg.Client({ connectionString: db.url });
    await listener.connect();
    listener.on('notification', (n) => heard.push(n.payload ?? ''));
    await listener.query('LISTEN "socket.io#/"');
    const s = await connect(b!);
    const got: { deviceId: string }[] = [];
    s.on('telemetry', (x) => got.push(x));
    try {
      for (const d of [watched, unwatched])
        await pub.publishAsync(topic, JSON.stringify({ d, seq: 0, ts: Date.now() }), { qos: 1 });
      const w = await eventually(() => deviceByName(a, watched), 10000, 100);
      const u = await eventually(() => deviceByName(a, unwatched), 10000, 100);
      expect(await s.emitWithAck('subscribe', { room: `device:${w.id.id}` })).toEqual({ ok: true });
      let seq = 1;
      await eventually(
        async () => {
          // the unwatched device first, on the same topic: by the time the watched one arrives, it was handled
          for (const d of [unwatched, watched])
            await pub.publishAsync(topic, JSON.stringify({ d, seq: seq++, ts: Date.now() }), { qos: 1 });
          await new Promise((r) => setTimeout(r, 200));
          return got.length > 0;
        },
        15000,
        100,
      );
      expect(heard.some((p) => p.includes(w.id.id))).toBe(true);
      expect(heard.filter((p) => p.includes(u.id.id))).toEqual([]);
    } finally {
      s.disconnect();
      await listener.end();
      await pub.endAsync();
    }
  });

  it('an integration with a shared subscription runs on both nodes, and the broker shares its messages between them', async () => {
    const sp = `${prefix}/shared`;
    const r = await a
      .http()
      .post('/api/integration')
      .set(bearer(a.tenantToken))
      .send({
        ...integrationBody(a, { converterId, filters: [{ filter: `${sp}/#`, qos: 1 }], name: 'Shared' }),
        configuration: {
          ...(integrationBody(a, { converterId, filters: [{ filter: `${sp}/#`, qos: 1 }] })
            .configuration as object),
          sharedSubscription: true,
        },
      });
    expect(r.status).toBe(200);
    const id = r.body.id.id as string;
    const { IntegrationRuntime } = await import('../integrations/runtime/integration-runtime.js');
    const ra = a.app.get(IntegrationRuntime);
    const rb = b!.app.get(IntegrationRuntime);
    await eventually(
      async () => ra.status('', id).status === 'CONNECTED' && rb.status('', id).status === 'CONNECTED',
      15000,
      100,
    );
    expect((await clusterView(a)).shared.map((x) => x.id)).toEqual([id]);
    const pub = await publisher(a.mqttUrl);
    const device = `SH-${rnd()}`;
    try {
      for (let i = 0; i < 40; i++)
        await pub.publishAsync(`${sp}/x`, JSON.stringify({ d: device, seq: i, ts: Date.now() - 1000 + i }), {
          qos: 1,
        });
      const dev = await eventually(() => deviceByName(a, device), 10000, 100);
      await eventually(async () => (await countPoints(a, dev.id.id)) === 40, 15000, 200);
      // both nodes took part
      expect(ra.status('', id).messagesIn).toBeGreaterThan(0);
      expect(rb.status('', id).messagesIn).toBeGreaterThan(0);
      expect(ra.status('', id).messagesIn + rb.status('', id).messagesIn).toBe(40);
    } finally {
      await pub.endAsync();
    }
    await a.http().delete(`/api/integration/${id}`).set(bearer(a.tenantToken)).expect(200);
    await eventually(async () => !ra.runningIds().includes(id) && !rb.runningIds().includes(id), 10000, 100);
  });

  it('a graceful stop hands every integration of the stopping node to the other within seconds', async () => {
    const before = await owners(a);
    expect(before['node-b']!.length).toBeGreaterThan(0);
    const t0 = Date.now();
    await b!.stop();
    b = null;
    for (const id of ids)
      await waitOwner(a, id, 'node-a', 10000).catch(async (e) => {
        throw new Error(`${id}: ${(e as Error).message} ${JSON.stringify(await clusterView(a))}`);
      });
    const took = Date.now() - t0;
    expect(took).toBeLessThan(10000);
    const v = await clusterView(a);
    expect(v.nodes.filter((n) => n.status === 'ALIVE').map((n) => n.id)).toEqual(['node-a']);
  });
});
