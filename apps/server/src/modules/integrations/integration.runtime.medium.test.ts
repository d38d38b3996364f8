import mqtt from 'mqtt';
import { io } from 'socket.io-client';
import { bearer, eventually, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import { IntegrationRuntime } from './runtime/integration-runtime.js';
import { countPoints, createConverter, createIntegration, deviceByName, dropSession, mqttTarget, publisher, publishSeq, rnd, SEQ_DECODER, TcpProxy, waitStatus } from './test-kit.js';

describe('integration runtime', () => {
  let p: TestPlatform;
  let converterId: string;
  beforeAll(async () => {
    p = await startTestPlatform({ INTEGRATION_HEARTBEAT_SEC: '1', INTEGRATION_RECONNECT_MIN_MS: '100', INTEGRATION_RECONNECT_MAX_MS: '1000' });
    converterId = await createConverter(p, SEQ_DECODER);
  });
  afterAll(async () => {
    await p.stop();
  });

  it('notices a connection that is up but silent while the broker still delivers, reconnects and receives everything', async () => {
    const t = mqttTarget(p);
    const proxy = await TcpProxy.start(t.host, t.port);
    const clientId = `bb-silent-${rnd()}`;
    const prefix = `${rnd()}/silent`;
    const name = `S-${rnd()}`;
    const { id } = await createIntegration(p, { converterId, filters: [{ filter: `${prefix}/#`, qos: 1 }], host: '127.0.0.1', port: proxy.port, clientId });
    await waitStatus(p, id, 'CONNECTED');
    const pub = await publisher(p.mqttUrl);
    const base = Date.now() - 10_000;
    await publishSeq(pub, (i) => `${prefix}/${i}`, 50, { qos: 1, names: [name], base });
    const dev = await eventually(() => deviceByName(p, name));
    await eventually(async () => (await countPoints(p, dev.id.id)) === 50).catch(async (e) => {
      const st = (await p.http().get(`/api/integration/${id}/status`).set(bearer(p.tenantToken))).body;
      const all = await p.db.query('SELECT entity_id, key, ts, long_v FROM ts_kv_named LIMIT 5');
      const ev = (await p.http().get(`/api/events/INTEGRATION/${id}?pageSize=5&page=0`).set(bearer(p.tenantToken))).body;
      throw new Error(`${(e as Error).message}: ${await countPoints(p, dev.id.id)} stored; ${JSON.stringify(st)} ${JSON.stringify(all)} ${dev.id.id} ${JSON.stringify(ev)}`);
    });
    proxy.blackhole();
    await publishSeq(pub, (i) => `${prefix}/${i}`, 100, { qos: 1, names: [name], base, from: 50 });
    const seen = await waitStatus(p, id, /^ERROR: connected, but the broker stopped delivering/, 10000);
    expect(seen).toBe('ERROR: connected, but the broker stopped delivering messages; reconnecting');
    await waitStatus(p, id, 'CONNECTED');
    await eventually(async () => (await countPoints(p, dev.id.id)) === 100, 15000);
    await pub.endAsync();
    await p.http().delete(`/api/integration/${id}`).set(bearer(p.tenantToken));
    await proxy.close();
    await dropSession(p.mqttUrl, clientId);
  }, 40000);

  it('acknowledges stored QoS 1 and QoS 2 uplinks to the broker: after a restart of the persistent session nothing is sent again', async () => {
    const clientId = `bb-acks-${rnd()}`;
    const prefix = `${rnd()}/acks`;
    const name = `A-${rnd()}`;
    const { id, body } = await createIntegration(p, {
      converterId,
      filters: [
        { filter: `${prefix}/one/#`, qos: 1 },
        { filter: `${prefix}/two/#`, qos: 2 },
      ],
      clientId,
    });
    await waitStatus(p, id, 'CONNECTED');
    const pub = await publisher(p.mqttUrl);
    const base = Date.now() - 10_000;
    // several batches, in steps of 200 (the shared broker queues at most 1000 per client and takes 20 QoS 2
    // publishes at a time, so 10 of each step are QoS 2): the acks of a batch leave together
    const n = 1200;
    let dev: { id: { id: string } } | null = null;
    for (let from = 0; from < n; from += 200) {
      await Promise.all(
        Array.from({ length: 200 }, (_, i) => from + i).map((k) =>
          pub.publishAsync(`${prefix}/${k % 20 ? 'one' : 'two'}/${k}`, JSON.stringify({ d: name, seq: k, ts: base + k }), { qos: k % 20 ? 1 : 2 }),
        ),
      );
      dev ??= await eventually(() => deviceByName(p, name));
      await eventually(async () => (await countPoints(p, dev!.id.id)) === from + 200, 20000);
    }
    const status = (await p.http().get(`/api/integration/${id}/status`).set(bearer(p.tenantToken))).body;
    expect(status).toMatchObject({ messagesIn: n, errors: 0 });
    // the integration lets go of its session; whatever the broker still holds unacknowledged would come now
    await p.http().post('/api/integration').set(bearer(p.tenantToken)).send({ ...body, enabled: false, status: undefined });
    await waitStatus(p, id, 'DISCONNECTED');
    const again = await mqtt.connectAsync(p.mqttUrl, { clientId, clean: false, reconnectPeriod: 0, protocolVersion: 5, properties: { sessionExpiryInterval: 0 } });
    const redelivered: string[] = [];
    again.on('message', (t) => redelivered.push(t));
    await new Promise((r) => setTimeout(r, 1000));
    await again.endAsync();
    expect(redelivered).toEqual([]);
    expect(await countPoints(p, dev!.id.id)).toBe(n);
    await pub.endAsync();
    await p.http().delete(`/api/integration/${id}`).set(bearer(p.tenantToken));
  }, 60000);

  it('a topic filter taken out of an integration with a persistent session is gone from the broker\'s session too: nothing sent to it is stored or queued', async () => {
    const clientId = `bb-refilter-${rnd()}`;
    const prefix = `${rnd()}/refilter`;
    const auth = bearer(p.tenantToken);
    const { id } = await createIntegration(p, { converterId, filters: [{ filter: `${prefix}/old/#`, qos: 1 }], clientId });
    await waitStatus(p, id, 'CONNECTED');
    const cur = (await p.http().get(`/api/integration/${id}`).set(auth)).body;
    const changed = { ...cur, configuration: { ...cur.configuration, topicFilters: [{ filter: `${prefix}/new/#`, qos: 1 }] } };
    await p.http().post('/api/integration').set(auth).send(changed).expect(200);
    const pub = await publisher(p.mqttUrl);
    const send = (topic: string, d: string) => pub.publishAsync(topic, JSON.stringify({ d, seq: 0, ts: Date.now() }), { qos: 1 });
    const first = `RF-${rnd()}`;
    await eventually(async () => (await send(`${prefix}/new/x`, first), deviceByName(p, first)), 10000, 300);
    // one message to the old filter, then one to the new on the same connection: once the second is stored, the first was not
    const [old, next] = [`RF-old-${rnd()}`, `RF-next-${rnd()}`];
    await send(`${prefix}/old/x`, old);
    await send(`${prefix}/new/x`, next);
    await eventually(() => deviceByName(p, next), 10000, 100);
    expect(await deviceByName(p, old)).toBeNull();
    // with the integration stopped, the broker queues for its session only what the new filter matches
    const saved = (await p.http().get(`/api/integration/${id}`).set(auth)).body;
    await p.http().post('/api/integration').set(auth).send({ ...saved, enabled: false }).expect(200);
    await waitStatus(p, id, 'DISCONNECTED');
    await send(`${prefix}/old/x`, 'queued-old');
    await send(`${prefix}/new/x`, 'queued-new');
    // MQTT 3.1.1 resumes the session on any broker (one that speaks only 3.1.1 refuses a 5 CONNECT)
    const session = mqtt.connect(p.mqttUrl, { clientId, clean: false, reconnectPeriod: 0, protocolVersion: 4 });
    const queued: string[] = [];
    session.on('message', (_t, m) => queued.push((JSON.parse(m.toString()) as { d: string }).d));
    await eventually(async () => queued.includes('queued-new'), 5000, 50);
    await new Promise((r) => setTimeout(r, 300));
    await session.endAsync();
    expect(queued).toEqual(['queued-new']);
    await dropSession(p.mqttUrl, clientId);
    await pub.endAsync();
    await p.http().delete(`/api/integration/${id}`).set(auth);
  });

  it('publishes downlinks while connected (counted, with a debug event) and refuses them with 409 when not', async () => {
    const prefix = `${rnd()}/down`;
    const { id, body } = await createIntegration(p, { converterId, filters: [{ filter: `${prefix}/up/#`, qos: 0 }], cleanSession: true, debugMode: true });
    await waitStatus(p, id, 'CONNECTED');
    const sub = await mqtt.connectAsync(p.mqttUrl, { clientId: `bb-sub-${rnd()}` });
    const got: string[] = [];
    sub.on('message', (_t, m) => got.push(m.toString()));
    await sub.subscribeAsync(`${prefix}/SN-001/rx`);
    const tenantId = (body.tenantId as { id: string }).id;
    const runtime = p.app.get(IntegrationRuntime);
    await runtime.publish(tenantId, id, `${prefix}/SN-001/rx`, Buffer.from('{"value":32}'));
    await eventually(async () => got.length === 1);
    expect(got).toEqual(['{"value":32}']);
    const status = (await p.http().get(`/api/integration/${id}/status`).set(bearer(p.tenantToken))).body;
    expect(status.messagesOut).toBe(1);
    const events = await eventually(async () => {
      const r = await p.http().get(`/api/events/INTEGRATION/${id}?pageSize=50&page=0`).set(bearer(p.tenantToken));
      return r.body.data.find((e: { body: { type: string } }) => e.body.type === 'Downlink');
    });
    expect(events.body).toMatchObject({ type: 'Downlink', topic: `${prefix}/SN-001/rx`, in: '{"value":32}', status: 'OK' });
    await p.http().post('/api/integration').set(bearer(p.tenantToken)).send({ ...body, enabled: false, status: undefined });
    await expect(runtime.publish(tenantId, id, `${prefix}/x`, Buffer.from('x'))).rejects.toMatchObject({ status: 409 });
    await sub.endAsync();
  });

  it('publishes downlinks at QoS 1: the publish resolves on the broker\'s PUBACK, and a link lost before it fails with 409 and a sentence', async () => {
    const t = mqttTarget(p);
    const proxy = await TcpProxy.start(t.host, t.port);
    const prefix = `${rnd()}/ack`;
    const { id, body } = await createIntegration(p, { converterId, filters: [{ filter: `${prefix}/up/#`, qos: 0 }], cleanSession: true, host: '127.0.0.1', port: proxy.port });
    await waitStatus(p, id, 'CONNECTED');
    const sub = await mqtt.connectAsync(p.mqttUrl, { clientId: `bb-sub-${rnd()}` });
    const got: { payload: string; qos: number }[] = [];
    sub.on('message', (_t, m, packet) => got.push({ payload: m.toString(), qos: packet.qos }));
    await sub.subscribeAsync(`${prefix}/SN-001/rx`, { qos: 1 });
    const tenantId = (body.tenantId as { id: string }).id;
    const runtime = p.app.get(IntegrationRuntime);

    // The broker has the message (the device got it at QoS 1) but its PUBACK is held back: not done yet.
    proxy.hold();
    let done = false;
    const first = runtime.publish(tenantId, id, `${prefix}/SN-001/rx`, Buffer.from('{"value":1}')).then(() => (done = true));
    await eventually(async () => got.length === 1);
    expect(got[0]).toEqual({ payload: '{"value":1}', qos: 1 });
    await new Promise((r) => setTimeout(r, 300));
    expect(done).toBe(false);
    proxy.release();
    await first;
    expect(done).toBe(true);

    // The link is cut while the PUBACK is on its way: the publish ends (it does not wait for ever) with a 409 that says why.
    proxy.hold();
    const second = runtime.publish(tenantId, id, `${prefix}/SN-001/rx`, Buffer.from('{"value":2}'));
    await eventually(async () => got.length === 2);
    await proxy.cut();
    await expect(second).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/could not confirm the message: the connection was lost before the broker acknowledged the message \(it may or may not reach the device\)/),
    });
    const status = (await p.http().get(`/api/integration/${id}/status`).set(bearer(p.tenantToken))).body;
    expect(status).toMatchObject({ messagesOut: 1, errors: 1 });
    await sub.endAsync();
    await p.http().delete(`/api/integration/${id}`).set(bearer(p.tenantToken));
    await proxy.close();
  }, 30000);

  it('records uplink debug events while debug mode is on and switches it off by itself after the auto-off time', async () => {
    const auth = bearer(p.tenantToken);
    const prefix = `${rnd()}/dbg`;
    const name = `D-${rnd()}`;
    const { id, body } = await createIntegration(p, { converterId, filters: [{ filter: `${prefix}/#`, qos: 0 }], cleanSession: true, debugMode: true });
    expect(body.debugModeUntil).toBeGreaterThan(Date.now());
    await waitStatus(p, id, 'CONNECTED');
    const pub = await publisher(p.mqttUrl);
    const uplinks = async () =>
      ((await p.http().get(`/api/events/INTEGRATION/${id}?pageSize=100&page=0`).set(auth)).body.data as { body: { type: string } }[]).filter(
        (e) => e.body.type === 'Uplink',
      ).length;
    await publishSeq(pub, (i) => `${prefix}/${i}`, 1, { qos: 0, names: [name] });
    await eventually(async () => (await uplinks()) === 1);
    // debug mode switched on two hours ago (auto-off is 15 min by default)
    await p.db.query('UPDATE integration SET debug_mode_since = $2 WHERE id = $1', [id, Date.now() - 2 * 3600_000]);
    const cur = (await p.http().get(`/api/integration/${id}`).set(auth)).body;
    // expired: reads as off at once, as converters and rule nodes do; a rename does not start it again
    expect([cur.debugMode, cur.debugModeUntil]).toEqual([false, null]);
    await p.http().post('/api/integration').set(auth).send({ ...cur, status: undefined, name: `${cur.name} (renamed)` });
    await waitStatus(p, id, 'CONNECTED');
    await publishSeq(pub, (i) => `${prefix}/${i}`, 3, { qos: 0, names: [name], from: 1 });
    await eventually(async () => (await p.http().get(`/api/integration/${id}/status`).set(auth)).body.messagesIn >= 2);
    await eventually(async () => (await p.http().get(`/api/integration/${id}`).set(auth)).body.debugMode === false);
    expect(await uplinks()).toBe(1);
    await pub.endAsync();
  });

  it('pushes integration status and counters to a subscribed browser', async () => {
    const prefix = `${rnd()}/live`;
    const { id } = await createIntegration(p, { converterId, filters: [{ filter: `${prefix}/#`, qos: 0 }], cleanSession: true });
    const s = io(p.url, { path: '/socket.io', transports: ['websocket'], auth: { token: p.tenantToken }, reconnection: false });
    const pushes: { integrationId: string; status: string; messagesIn: number }[] = [];
    s.on('integrationStatus', (x) => pushes.push(x));
    await new Promise<void>((r) => s.once('connect', () => r()));
    expect(await s.emitWithAck('subscribe', { room: `integration:${id}` })).toEqual({ ok: true });
    await waitStatus(p, id, 'CONNECTED');
    const pub = await publisher(p.mqttUrl);
    await publishSeq(pub, (i) => `${prefix}/${i}`, 3, { qos: 0, names: [`L-${rnd()}`] });
    await eventually(async () => pushes.some((x) => x.messagesIn === 3 && x.status === 'CONNECTED'));
    expect(pushes.every((x) => x.integrationId === id)).toBe(true);
    s.disconnect();
    await pub.endAsync();
  });
});
