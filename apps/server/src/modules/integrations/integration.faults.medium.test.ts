import { Aedes } from 'aedes';
import net from 'node:net';
import { bearer, createTestDatabase, eventually, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import {
  countPoints,
  createConverter,
  createIntegration,
  deviceByName,
  dropSession,
  mqttTarget,
  publisher,
  publishSeq,
  rnd,
  SEQ_DECODER,
  startPlatformOn,
  TcpProxy,
  waitStatus,
} from './test-kit.js';

/** Each test publishes numbered QoS 1 messages through a fault and counts what was stored. */
describe('uplink delivery through faults', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform({ INTEGRATION_RECONNECT_MIN_MS: '200', INTEGRATION_RECONNECT_MAX_MS: '2000' });
  });
  afterAll(async () => {
    await p.stop();
  });

  it('loses no QoS 1 message when the broker connection drops mid-stream (link cut for 2 s, then restored)', async () => {
    const t = mqttTarget(p);
    const proxy = await TcpProxy.start(t.host, t.port);
    const clientId = `bb-fault-${rnd()}`;
    const prefix = `${rnd()}/seq`;
    const name = `F-${rnd()}`;
    const converterId = await createConverter(p, SEQ_DECODER);
    const { id } = await createIntegration(p, { converterId, filters: [{ filter: `${prefix}/#`, qos: 1 }], host: '127.0.0.1', port: proxy.port, clientId });
    await waitStatus(p, id, 'CONNECTED');
    const pub = await publisher(p.mqttUrl);
    const N = 600;
    let statusDuringCut = '';
    await publishSeq(pub, (i) => `${prefix}/${i}`, N, {
      qos: 1,
      names: [name],
      perTick: 20,
      tickMs: 10,
      onProgress: async (sent) => {
        if (sent !== 200) return;
        await proxy.cut();
        statusDuringCut = await waitStatus(p, id, /^(CONNECTING|ERROR: .*)$/);
        setTimeout(() => void proxy.restore(), 2000);
      },
    });
    const dev = await eventually(() => deviceByName(p, name));
    await eventually(async () => (await countPoints(p, dev.id.id)) === N, 30000);
    expect(statusDuringCut).toMatch(/CONNECTING|ERROR/);
    await waitStatus(p, id, 'CONNECTED');
    await pub.endAsync();
    await p.http().delete(`/api/integration/${id}`).set(bearer(p.tenantToken));
    await proxy.close();
    await dropSession(p.mqttUrl, clientId);
  }, 60000);

  it('loses no QoS 1 message when the broker itself restarts mid-stream (in-process aedes keeping its persistence)', async () => {
    type Persistence = NonNullable<Parameters<typeof Aedes.createBroker>[0]>['persistence'];
    const startBroker = async (port: number, persistence?: Persistence) => {
      const aedes = await Aedes.createBroker(persistence ? { persistence } : {});
      const server = net.createServer(aedes.handle);
      const sockets = new Set<net.Socket>();
      server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
      await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
      return {
        aedes,
        port: (server.address() as net.AddressInfo).port,
        stop: () =>
          new Promise<void>((r) => {
            sockets.forEach((s) => s.destroy());
            server.close(() => aedes.close(() => r()));
          }),
      };
    };
    let broker = await startBroker(0);
    const port = broker.port;
    const url = `mqtt://127.0.0.1:${port}`;
    const prefix = `${rnd()}/seq`;
    const name = `BR-${rnd()}`;
    const converterId = await createConverter(p, SEQ_DECODER);
    const { id } = await createIntegration(p, { converterId, filters: [{ filter: `${prefix}/#`, qos: 1 }], host: '127.0.0.1', port, clientId: `bb-br-${rnd()}` });
    await waitStatus(p, id, 'CONNECTED');
    const pub = await publisher(url, { clean: false, clientId: `bb-pub-${rnd()}` });
    const N = 600;
    let restarted: Promise<void> | null = null;
    await publishSeq(pub, (i) => `${prefix}/${i}`, N, {
      qos: 1,
      names: [name],
      perTick: 20,
      tickMs: 10,
      onProgress: (sent) => {
        if (sent !== 200) return;
        const persistence = (broker.aedes as unknown as { persistence: Persistence }).persistence;
        restarted = broker.stop().then(async () => {
          await new Promise((r) => setTimeout(r, 1000));
          broker = await startBroker(port, persistence);
        });
      },
    });
    await restarted;
    const dev = await eventually(() => deviceByName(p, name));
    await eventually(async () => (await countPoints(p, dev.id.id)) === N, 30000).catch(async (e) => {
      throw new Error(`${(e as Error).message}: stored ${await countPoints(p, dev.id.id)} of ${N}`);
    });
    await waitStatus(p, id, 'CONNECTED');
    await pub.endAsync();
    await p.http().delete(`/api/integration/${id}`).set(bearer(p.tenantToken));
    await broker.stop();
  }, 60000);

  it('stores exactly 50 devices when 500 messages for 50 brand-new names arrive at once on two integrations', async () => {
    const prefix = `${rnd()}/burst`;
    const tag = rnd();
    const names = Array.from({ length: 50 }, (_, i) => `N${tag}-${i}`);
    const converterId = await createConverter(p, SEQ_DECODER);
    const a = await createIntegration(p, { converterId, filters: [{ filter: `${prefix}/#`, qos: 0 }], cleanSession: true });
    const b = await createIntegration(p, { converterId, filters: [{ filter: `${prefix}/#`, qos: 0 }], cleanSession: true });
    await waitStatus(p, a.id, 'CONNECTED');
    await waitStatus(p, b.id, 'CONNECTED');
    const pub = await publisher(p.mqttUrl);
    await publishSeq(pub, (i) => `${prefix}/${i}`, 500, { qos: 0, names });
    const auth = bearer(p.tenantToken);
    await eventually(async () => {
      const rows = await p.db.query<{ n: string }>(
        `SELECT count(*) AS n FROM ts_kv_named t JOIN device d ON d.id = t.entity_id WHERE d.name LIKE $1 AND t.key = 'seq'`,
        [`N${tag}-%`],
      );
      return Number(rows[0]!.n) === 500;
    }, 20000);
    const page = await p.http().get(`/api/tenant/devices?pageSize=100&page=0&textSearch=N${tag}-`).set(auth);
    expect(page.body.totalElements).toBe(50);
    expect(new Set(page.body.data.map((d: { name: string }) => d.name))).toEqual(new Set(names));
    await eventually(async () => (await p.http().get(`/api/integration/${a.id}/status`).set(auth)).body.messagesIn === 500);
    await pub.endAsync();
  }, 60000);
});

describe('uplink delivery when the database or the platform goes away', () => {
  it('loses no QoS 1 message while Postgres is unreachable for 10 s, and resumes by itself', async () => {
    const db = await createTestDatabase();
    const u = new URL(db.url);
    const pgProxy = await TcpProxy.start(u.hostname, Number(u.port || 5432));
    u.port = String(pgProxy.port);
    const p = await startPlatformOn(u.toString());
    const clientId = `bb-pgfault-${rnd()}`;
    try {
      const prefix = `${rnd()}/seq`;
      const name = `PG-${rnd()}`;
      const converterId = await createConverter(p, SEQ_DECODER);
      const { id } = await createIntegration(p, { converterId, filters: [{ filter: `${prefix}/#`, qos: 1 }], clientId });
      await waitStatus(p, id, 'CONNECTED');
      const pub = await publisher(p.mqttUrl);
      const N = 600;
      const base = Date.now() - 100_000;
      await publishSeq(pub, (i) => `${prefix}/${i}`, 200, { qos: 1, names: [name], base });
      const dev = await eventually(() => deviceByName(p, name));
      await eventually(async () => (await countPoints(p, dev.id.id)) === 200, 10000);
      await pgProxy.cut();
      const cutAt = Date.now();
      await publishSeq(pub, (i) => `${prefix}/${i}`, N, { qos: 1, names: [name], perTick: 40, tickMs: 500, from: 200, base });
      await new Promise((r) => setTimeout(r, Math.max(0, 10000 - (Date.now() - cutAt))));
      await pgProxy.restore();
      await eventually(async () => (await countPoints(p, dev.id.id)) === N, 30000).catch(async (e) => {
        const st = (await p.http().get(`/api/integration/${id}/status`).set(bearer(p.tenantToken))).body;
        throw new Error(`${(e as Error).message}: stored ${await countPoints(p, dev.id.id)} of ${N}; status ${JSON.stringify(st)}`);
      });
      await pub.endAsync();
    } finally {
      await p.stop();
      await pgProxy.close();
      await db.drop();
      await dropSession(process.env.MQTT_URL!, clientId);
    }
  }, 90000);

  it('loses no QoS 1 message when the platform restarts mid-stream with a persistent session', async () => {
    const db = await createTestDatabase();
    let p = await startPlatformOn(db.url);
    const clientId = `bb-restart-${rnd()}`;
    try {
      const prefix = `${rnd()}/seq`;
      const name = `R-${rnd()}`;
      const converterId = await createConverter(p, SEQ_DECODER);
      const { id } = await createIntegration(p, { converterId, filters: [{ filter: `${prefix}/#`, qos: 1 }], clientId });
      await waitStatus(p, id, 'CONNECTED');
      const pub = await publisher(p.mqttUrl);
      const N = 600;
      let restarting: Promise<void> | null = null;
      await publishSeq(pub, (i) => `${prefix}/${i}`, N, {
        qos: 1,
        names: [name],
        perTick: 20,
        tickMs: 10,
        onProgress: (sent) => {
          if (sent === 200)
            restarting = p.stop().then(async () => {
              p = await startPlatformOn(db.url);
            });
        },
      });
      await restarting;
      await waitStatus(p, id, 'CONNECTED');
      const dev = await eventually(() => deviceByName(p, name));
      await eventually(async () => (await countPoints(p, dev.id.id)) === N, 30000);
      await pub.endAsync();
    } finally {
      await p.stop();
      await db.drop();
      await dropSession(process.env.MQTT_URL!, clientId);
    }
  }, 90000);
});
