import { startPlatform, type RunningPlatform } from '../../app.js';
import { loadConfig } from '../../config/config.js';
import { freePort } from '../../infra/embedded-postgres.js';
import request from 'supertest';
import { bearer, createTestDatabase, eventually, type TestPlatform } from '../../../test/helpers.js';
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
