// Two, then three Bridgeboard nodes, each a separate OS process started as users start it (same
// DATABASE_URL, own PORT and NODE_ID, EMBEDDED_BROKER=off), on the real Postgres and the real
// Mosquitto of MQTT_URL. What is checked is what an operator can see from outside: which process
// holds the connections to the broker, whether data flows, and what either node's API answers.
import type { DebugEvent } from '@bridgeboard/contracts';
import { bearer, createTestDatabase, eventually } from '../../../test/helpers.js';
import { ChildPlatform } from '../../../test/child-platform.js';
import {
  countPoints,
  createConverter,
  createIntegration,
  deviceByName,
  dropSession,
  publisher,
  rnd,
  SEQ_DECODER,
} from '../integrations/test-kit.js';
import {
  addDownlinkNode,
  createDevice,
  createDownlinkIntegration,
  replyDecoder,
  requestEncoder,
  subscriber,
} from '../rpc/rpc-kit.js';
import { answerCalls, CLUSTER_ENV, clusterView, connectSocket, owners, waitOwner } from './cluster-kit.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('nodes as separate processes on one database and one broker', () => {
  let db: { url: string; drop(): Promise<void> };
  const nodes = new Map<string, ChildPlatform>();
  const node = (id: string) => nodes.get(id)!;
  /** The other one of the two first nodes. */
  const otherThan = (id: string) => node(id === 'node-a' ? 'node-b' : 'node-a');
  const prefix = `cp-${rnd()}`;
  const sessions: string[] = [];
  let converterId = '';

  async function startNode(id: string): Promise<ChildPlatform> {
    const p = new ChildPlatform(db.url, { ...CLUSTER_ENV, NODE_ID: id });
    nodes.set(id, p);
    await p.start();
    return p;
  }

  /** An integration of the SEQ decoder on `<prefix>/<name>/#`, with a persistent session, created through `via`. */
  async function seqIntegration(via: ChildPlatform, name: string): Promise<{ id: string; topic: string }> {
    const clientId = `bb-cp-${rnd()}`;
    sessions.push(clientId);
    const { id } = await createIntegration(via, {
      converterId,
      filters: [{ filter: `${prefix}/${name}/#`, qos: 1 }],
      name: `Cluster ${name}`,
      clientId,
      cleanSession: false,
    });
    return { id, topic: `${prefix}/${name}/x` };
  }

  /** The alive node whose lease runs the integration CONNECTED (asked through `via`). */
  async function runner(via: ChildPlatform, id: string): Promise<string> {
    const v = await waitOwner(via, id, /.*/);
    return v.nodes.find((n) => n.integrations.some((i) => i.id === id))!.id;
  }

  /** Publishes one reading of `device` to `topic` (QoS 1, acknowledged by the broker). */
  async function send(topic: string, device: string, seq = 0): Promise<void> {
    const pub = await publisher(node('node-a').mqttUrl);
    await pub.publishAsync(topic, JSON.stringify({ d: device, seq, ts: Date.now() }), { qos: 1 });
    await pub.endAsync();
  }

  async function stored(via: ChildPlatform, device: string, timeoutMs = 10000): Promise<number> {
    const dev = await eventually(() => deviceByName(via, device), timeoutMs, 100);
    return eventually(async () => countPoints(via, dev.id.id), timeoutMs, 100);
  }

  /** Reads the integration through `via`, changes it with `change` and saves it there. */
  async function save(
    via: ChildPlatform,
    id: string,
    change: (i: { configuration: Record<string, unknown> }) => object,
  ): Promise<void> {
    const cur = (await via.http().get(`/api/integration/${id}`).set(bearer(via.tenantToken))).body;
    await via.http().post('/api/integration').set(bearer(via.tenantToken)).send(change(cur)).expect(200);
  }

  const status = async (via: ChildPlatform, id: string) =>
    (await via.http().get(`/api/integration/${id}/status`).set(bearer(via.tenantToken))).body as {
      status: string;
    };

  beforeAll(async () => {
    db = await createTestDatabase();
    // at once: the migrations and first-start accounts wait on a lock, as when an operator starts both together
    await Promise.all([startNode('node-a'), startNode('node-b')]);
    converterId = await createConverter(node('node-a'), SEQ_DECODER);
  }, 120_000);

  // each test starts from no integration at all, whatever the one before left
  afterEach(async () => {
    const a = node('node-a');
    const r = await a.http().get('/api/integrations?pageSize=100&page=0').set(bearer(a.tenantToken));
    for (const i of (r.body.data ?? []) as { id: { id: string } }[])
      await a.http().delete(`/api/integration/${i.id.id}`).set(bearer(a.tenantToken));
    await eventually(async () => [...nodes.values()].every((p) => p.brokerConnections() === 0), 10000, 100);
  });

  afterAll(async () => {
    for (const p of [...nodes.values()].reverse()) await p.close();
    for (const c of sessions) await dropSession(node('node-a').mqttUrl, c).catch(() => undefined);
    await db?.drop();
  });

  it('an integration created, changed, disabled, enabled and deleted through node B starts, changes and stops on node A, which runs it', async () => {
    const [a, b] = [node('node-a'), node('node-b')];
    const auth = bearer(b.tenantToken);
    // two created through B with nobody running anything: one node each (a fair share is one), so
    // one of them was created on B and started on A
    const one = await seqIntegration(b, 'crud-1');
    const two = await seqIntegration(b, 'crud-2');
    const ran = { [one.id]: await runner(b, one.id), [two.id]: await runner(b, two.id) };
    expect(new Set(Object.values(ran))).toEqual(new Set(['node-a', 'node-b']));
    const [target, rest] = ran[one.id] === 'node-a' ? [one, two] : [two, one];
    // each process holds the broker connection of the integration it runs
    await eventually(async () => a.brokerConnections() === 1 && b.brokerConnections() === 1, 10000, 100);
    for (const via of [a, b]) expect((await status(via, target.id)).status).toBe('CONNECTED');
    await send(target.topic, 'CRUD-created');
    expect(await stored(b, 'CRUD-created')).toBe(1);

    // change through B: a new topic filter, which A's connection serves from then on
    const moved = `${prefix}/moved-${rnd()}`;
    await save(b, target.id, (i) => ({
      ...i,
      configuration: { ...i.configuration, topicFilters: [{ filter: `${moved}/#`, qos: 1 }] },
    }));
    const changed = (await a.http().get(`/api/integration/${target.id}`).set(bearer(a.tenantToken))).body;
    expect(changed.configuration.topicFilters).toEqual([{ filter: `${moved}/#`, qos: 1 }]);
    await waitOwner(b, target.id, 'node-a');
    await eventually(
      async () => {
        await send(`${moved}/x`, 'CRUD-changed');
        return (await deviceByName(a, 'CRUD-changed')) !== null;
      },
      10000,
      300,
    );
    expect(a.brokerConnections()).toBe(1);
    // the old filter is gone, from the broker's persistent session too: a message to it, then one to
    // the new filter on the same connection; once the second is stored, the first was not
    const pub = await publisher(a.mqttUrl);
    await pub.publishAsync(target.topic, JSON.stringify({ d: 'CRUD-old-topic', seq: 0, ts: Date.now() }), {
      qos: 1,
    });
    await pub.publishAsync(`${moved}/x`, JSON.stringify({ d: 'CRUD-after-old', seq: 0, ts: Date.now() }), {
      qos: 1,
    });
    await pub.endAsync();
    expect(await stored(a, 'CRUD-after-old')).toBe(1);
    expect(await deviceByName(a, 'CRUD-old-topic')).toBeNull();
    // B, which does not run it, shows its message rates as of A's last counter flush
    await eventually(
      async () => {
        const s = (await b.http().get(`/api/integration/${target.id}/status`).set(auth)).body;
        return (s.rates?.perMinute as number[] | undefined)?.some((n) => n > 0);
      },
      15000,
      500,
    );

    // disable through B: A closes the connection, nobody runs it, both nodes say DISCONNECTED
    await save(b, target.id, (i) => ({ ...i, enabled: false }));
    await eventually(async () => a.brokerConnections() === 0, 10000, 100);
    expect(b.brokerConnections()).toBe(1);
    // (a node that does not run it learns so on its next heartbeat)
    await eventually(
      async () =>
        !(await clusterView(a)).nodes.some((n) => n.integrations.some((i) => i.id === target.id)) &&
        (await status(a, target.id)).status === 'DISCONNECTED' &&
        (await status(b, target.id)).status === 'DISCONNECTED',
      5000,
      100,
    );
    // while it is disabled the broker keeps what arrives for its persistent session, and nothing is stored
    await send(`${moved}/x`, 'CRUD-while-disabled');
    await sleep(1000);
    expect(await deviceByName(a, 'CRUD-while-disabled')).toBeNull();

    // enable through B: B holds its fair share (one of two), so A runs it again, on the same session
    await save(b, target.id, (i) => ({ ...i, enabled: true }));
    await waitOwner(b, target.id, 'node-a');
    await eventually(async () => a.brokerConnections() === 1, 10000, 100);
    expect(await stored(a, 'CRUD-while-disabled')).toBe(1);

    // delete through B: A closes the connection; neither node knows the integration any more
    await b.http().delete(`/api/integration/${target.id}`).set(auth).expect(200);
    await eventually(async () => a.brokerConnections() === 0, 10000, 100);
    for (const via of [a, b])
      expect(
        (await via.http().get(`/api/integration/${target.id}`).set(bearer(via.tenantToken))).status,
      ).toBe(404);
    expect((await clusterView(b)).nodes.flatMap((n) => n.integrations.map((i) => i.id))).toEqual([rest.id]);

    // and the other way round: deleted through A, stopped on B
    await a.http().delete(`/api/integration/${rest.id}`).set(bearer(a.tenantToken)).expect(200);
    await eventually(async () => b.brokerConnections() === 0, 10000, 100);
  });

  it('RPC through node B reaches a device of an integration node A runs: one-way and two-way', async () => {
    const rp = `${prefix}/rpc`;
    const first = node('node-a');
    const integ = await createDownlinkIntegration(first, {
      decoder: replyDecoder(rp),
      encoder: requestEncoder(rp),
      filters: [{ filter: `${rp}/+/tx`, qos: 1 }],
    });
    await addDownlinkNode(first, integ.id);
    const owner = node(await runner(first, integ.id));
    const via = otherThan(owner.env.NODE_ID!);
    // the device: an MQTT client on the broker that takes calls on …/rx and answers two-way ones on …/tx
    const deviceId = await createDevice(via, 'RPC-1');
    const device = await subscriber(via.mqttUrl, `${rp}/RPC-1/rx`);
    const pub = await publisher(via.mqttUrl);
    try {
      const one = await via
        .http()
        .post(`/api/plugins/rpc/oneway/${deviceId}`)
        .set(bearer(via.tenantToken))
        .send({ method: 'setValue', params: 41 });
      expect({ status: one.status, body: one.body }).toEqual({ status: 200, body: {} });
      expect(JSON.parse(await device.next())).toMatchObject({ method: 'setValue', params: 41 });
      answerCalls(device.client, pub, `${rp}/RPC-1/tx`);
      const two = await via
        .http()
        .post(`/api/plugins/rpc/twoway/${deviceId}`)
        .set(bearer(via.tenantToken))
        .send({ method: 'getValue', params: 42, timeout: 8000 });
      expect({ status: two.status, body: two.body }).toEqual({ status: 200, body: { got: 42 } });
      // it went out on the owner's connection: the node called through holds none
      expect([owner.brokerConnections(), via.brokerConnections()]).toEqual([1, 0]);
    } finally {
      await device.client.endAsync();
      await pub.endAsync();
    }
    await first.http().delete(`/api/integration/${integ.id}`).set(bearer(first.tenantToken)).expect(200);
    await eventually(async () => owner.brokerConnections() === 0, 10000, 100);
  });

  it('a socket on node B receives the telemetry node A ingests; the live push event of a debugged message says what the ingesting node sent', async () => {
    const live = await seqIntegration(node('node-a'), 'live');
    const owner = node(await runner(node('node-a'), live.id));
    const via = otherThan(owner.env.NODE_ID!);
    const auth = bearer(via.tenantToken);
    const saved = (await via.http().get(`/api/integration/${live.id}`).set(auth)).body;
    await via.http().post('/api/integration').set(auth).send({ ...saved, debugMode: true }).expect(200);
    const device = `LIVE-${rnd()}`;
    await send(live.topic, device, 0);
    const dev = await eventually(() => deviceByName(via, device), 10000, 100);
    const s = await connectSocket(via);
    const got: { deviceId: string; data: Record<string, unknown> }[] = [];
    s.on('telemetry', (x) => got.push(x));
    try {
      expect(await s.emitWithAck('subscribe', { room: `device:${dev.id.id}` })).toEqual({ ok: true });
      let seq = 1;
      // the room is announced to the other node a moment after the subscription: send until it arrives
      await eventually(
        async () => {
          await send(live.topic, device, seq++);
          await sleep(200);
          return got.length > 0;
        },
        15000,
        100,
      );
      expect(got[0]).toMatchObject({
        deviceId: dev.id.id,
        data: { seq: [expect.objectContaining({ value: expect.any(Number) })] },
      });
      expect([owner.brokerConnections(), via.brokerConnections()]).toEqual([1, 0]);
      // the owner stored the message and pushed it: no socket of its own watched, the other node's got it through the adapter
      const pushes = await eventually(async () => {
        const r = await via.http().get(`/api/events/DEVICE/${dev.id.id}?pageSize=50&page=0`).set(auth);
        const found = (r.body.data as DebugEvent[]).filter((e) => e.type === 'DEBUG_LIVE' && e.body.otherNodes === 1);
        return found.length ? found : null;
      });
      expect(pushes[0]!.body).toEqual({ type: 'LIVE', event: 'telemetry', keys: ['seq'], sockets: 0, rooms: [], node: owner.env.NODE_ID, otherNodes: 1 });
    } finally {
      s.disconnect();
    }
    await owner.http().delete(`/api/integration/${live.id}`).set(bearer(owner.tenantToken)).expect(200);
    await eventually(async () => owner.brokerConnections() === 0, 10000, 100);
  });

  it('a third node joining takes a share of 10 integrations, and every one stays CONNECTED', async () => {
    const [a, b] = [node('node-a'), node('node-b')];
    const list: { id: string; topic: string }[] = [];
    for (let i = 0; i < 10; i++) list.push(await seqIntegration(i % 2 ? b : a, `join-${i}`));
    const ids = list.map((x) => x.id);
    await eventually(
      async () => {
        const o = await owners(a);
        return o['node-a']?.length === 5 && o['node-b']?.length === 5;
      },
      20000,
      200,
    );
    for (const id of ids) await waitOwner(a, id, /node-[ab]/);

    const c = await startNode('node-c');
    // a fair share is ceil(10 / 3) = 4: A and B give one each back, C takes what they gave
    const shares = await eventually(
      async () => {
        const o = await owners(c);
        const counts = ['node-a', 'node-b', 'node-c'].map((n) => o[n]?.length ?? 0);
        return counts.reduce((s, n) => s + n, 0) === 10 && counts.every((n) => n >= 2 && n <= 4) ? o : null;
      },
      20000,
      200,
    );
    expect(new Set(Object.values(shares).flat())).toEqual(new Set(ids));
    for (const id of ids) await waitOwner(c, id, /node-[abc]/);
    // every process holds exactly the broker connections of the integrations it runs
    await eventually(
      async () =>
        ['node-a', 'node-b', 'node-c'].every((n) => node(n).brokerConnections() === shares[n]!.length),
      10000,
      100,
    );
    // data flows through one C took over, and any node answers CONNECTED for each of the 10
    const taken = list.find((x) => x.id === shares['node-c']![0])!;
    await send(taken.topic, 'JOIN-1');
    expect(await stored(a, 'JOIN-1')).toBe(1);
    for (const id of ids) expect((await status(a, id)).status).toBe('CONNECTED');
    expect((await clusterView(a)).nodes.map((n) => [n.id, n.status])).toEqual([
      ['node-a', 'ALIVE'],
      ['node-b', 'ALIVE'],
      ['node-c', 'ALIVE'],
    ]);
  }, 60_000);
});
