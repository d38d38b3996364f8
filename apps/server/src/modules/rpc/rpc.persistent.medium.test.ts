import { startPlatform, type RunningPlatform } from '../../app.js';
import { loadConfig } from '../../config/config.js';
import { freePort } from '../../infra/embedded-postgres.js';
import request from 'supertest';
import { randomUUID } from 'node:crypto';
import {
  bearer,
  createTestDatabase,
  eventually,
  startTestPlatform,
  type TestPlatform,
} from '../../../test/helpers.js';
import { mqttTarget, publisher, rnd } from '../integrations/test-kit.js';
import {
  addDownlinkNode,
  createDevice,
  createDownlinkIntegration,
  replyDecoder,
  requestEncoder,
  subscriber,
  waitConnected,
} from './rpc-kit.js';

/** A platform on a database that outlives it (startTestPlatform drops its database on stop). */
async function boot(url: string): Promise<TestPlatform> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: url,
    EMBEDDED_BROKER: 'off',
    BCRYPT_ROUNDS: '4',
    LOG_LEVEL: 'error',
  });
  const p: RunningPlatform = await startPlatform(config, { quiet: true });
  const http = () => request(p.app.getHttpServer());
  const login = async (username: string, password: string) =>
    (await http().post('/api/auth/login').send({ username, password })).body.token as string;
  return {
    ...p,
    config,
    mqttUrl: process.env.MQTT_URL!,
    http,
    login,
    tenantToken: await login(config.TENANT_EMAIL, config.TENANT_PASSWORD),
    sysadminToken: await login(config.ADMIN_EMAIL, config.ADMIN_PASSWORD),
    stop: () => p.close(),
  };
}

describe('persistent RPC across a platform restart', () => {
  it('sends a call queued while the integration was down once it connects after a restart, and completes a two-way call answered after the restart', async () => {
    const db = await createTestDatabase();
    let p = await boot(db.url);
    try {
      const prefix = `bb-${rnd()}`;
      const deviceId = await createDevice(p, 'P-1');
      // Integration A points at a port where no broker listens: calls through it are queued.
      const down = await createDownlinkIntegration(p, {
        decoder: replyDecoder(prefix),
        encoder: requestEncoder(prefix),
        filters: [{ filter: `${prefix}/+/response`, qos: 1 }],
        port: await freePort(),
      });
      await addDownlinkNode(p, down.id);
      const auth = () => bearer(p.tenantToken);
      const queued = await p
        .http()
        .post(`/api/plugins/rpc/oneway/${deviceId}`)
        .set(auth())
        .send({ method: 'setValue', params: 41, persistent: true, timeout: 60000 });
      expect(queued.status).toBe(200);
      await eventually(
        async () =>
          (await p.http().get(`/api/rpc/persistent/${queued.body.rpcId}`).set(auth())).body.status ===
          'QUEUED',
      );

      await p.close();
      p = await boot(db.url);
      expect((await p.http().get(`/api/rpc/persistent/${queued.body.rpcId}`).set(auth())).body.status).toBe(
        'QUEUED',
      );
      const device = await subscriber(p.mqttUrl, `${prefix}/P-1/rx`);
      // The user fixes the integration: it connects, and the queued call goes out.
      const integ = (await p.http().get(`/api/integration/${down.id}`).set(auth())).body;
      integ.configuration.clientConfiguration.port = mqttTarget(p).port;
      await p.http().post('/api/integration').set(auth()).send(integ).expect(200);
      await waitConnected(p, down.id);
      expect(JSON.parse(await device.next(15000))).toEqual({
        id: queued.body.rpcId,
        method: 'setValue',
        params: 41,
      });
      await eventually(
        async () =>
          (await p.http().get(`/api/rpc/persistent/${queued.body.rpcId}`).set(auth())).body.status ===
          'SUCCESSFUL',
      );

      // A two-way call delivered before a restart is completed by a reply that arrives after it.
      const twoway = await p
        .http()
        .post(`/api/plugins/rpc/twoway/${deviceId}`)
        .set(auth())
        .send({ method: 'getValue', persistent: true, timeout: 60000 });
      const sent = JSON.parse(await device.next());
      await eventually(
        async () =>
          (await p.http().get(`/api/rpc/persistent/${twoway.body.rpcId}`).set(auth())).body.status ===
          'DELIVERED',
      );
      await device.client.endAsync();
      await p.close();
      p = await boot(db.url);
      await waitConnected(p, down.id);
      const pub = await publisher(p.mqttUrl);
      await pub.publishAsync(
        `${prefix}/P-1/response`,
        JSON.stringify({ id: sent.id, reply: { value: 41 } }),
        { qos: 1 },
      );
      const done = await eventually(async () => {
        const g = await p.http().get(`/api/rpc/persistent/${twoway.body.rpcId}`).set(auth());
        return g.body.status === 'SUCCESSFUL' ? g.body : null;
      });
      expect(done.response).toEqual({ value: 41 });
      await pub.endAsync();
      const all = await p.http().get(`/api/rpc/persistent/device/${deviceId}?pageSize=10&page=0`).set(auth());
      expect(all.body.data.map((r: { status: string }) => r.status).sort()).toEqual([
        'SUCCESSFUL',
        'SUCCESSFUL',
      ]);
    } finally {
      await p.close().catch(() => undefined);
      await db.drop();
    }
  }, 90000);
});

describe('persistent RPC in a cluster', () => {
  it('leaves the calls of a node whose heartbeat it has not read yet (one that just joined) alone, and takes them over once that node is gone', async () => {
    // this node reads the others' heartbeats once a minute: it does not know of a node that joins meanwhile
    const p = await startTestPlatform({ CLUSTER_HEARTBEAT_MS: '60000', NODE_ID: 'node-old' });
    const rp = `bb-${rnd()}`;
    const device = await subscriber(p.mqttUrl, `${rp}/J-1/rx`);
    try {
      const integ = await createDownlinkIntegration(p, {
        decoder: replyDecoder(rp),
        encoder: requestEncoder(rp),
        filters: [{ filter: `${rp}/+/tx`, qos: 1 }],
      });
      await addDownlinkNode(p, integ.id);
      await waitConnected(p, integ.id);
      const deviceId = await createDevice(p, 'J-1');
      const tenantId = (await p.http().get(`/api/device/${deviceId}`).set(bearer(p.tenantToken))).body
        .tenantId.id;
      // a node that joined after this one's last heartbeat, with a one-way call it has sent and not yet had acknowledged
      await p.db.query(
        `INSERT INTO cluster_node (id, host, pid, port, version) VALUES ('node-new', 'elsewhere', 1, 1, '0')`,
      );
      const id = randomUUID();
      const call = { id, oneway: true, persisted: true, body: { method: 'setValue', params: '5' } };
      await p.db.query(
        `INSERT INTO rpc (id, created_time, tenant_id, device_id, expiration_time, oneway, request, status, node_id)
         VALUES ($1, $2, $3, $4, $5, true, $6, 'SENT', 'node-new')`,
        [id, Date.now(), tenantId, deviceId, Date.now() + 60_000, JSON.stringify(call)],
      );
      const state = async () =>
        (
          await p.db.query<{ status: string; node_id: string }>(
            'SELECT status, node_id FROM rpc WHERE id = $1',
            [id],
          )
        )[0];
      // several housekeeping ticks (one a second): the call stays that node's, and the device gets nothing again
      await new Promise((r) => setTimeout(r, 3000));
      expect({ ...(await state()), received: device.messages.length }).toEqual({
        status: 'SENT',
        node_id: 'node-new',
        received: 0,
      });
      // that node is gone (its row deleted by a graceful stop): this one sends the call and completes it
      await p.db.query(`DELETE FROM cluster_node WHERE id = 'node-new'`);
      expect(JSON.parse(await device.next(10000))).toMatchObject({ method: 'setValue', params: 5 });
      await eventually(async () => (await state())?.status === 'SUCCESSFUL', 10000, 100);
      expect((await state())?.node_id).toBe('node-old');
    } finally {
      await device.client.endAsync();
      await p.stop();
    }
  }, 60000);
});
