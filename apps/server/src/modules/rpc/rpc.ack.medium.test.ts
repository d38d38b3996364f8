import {
  bearer,
  createTenantWithAdmin,
  eventually,
  startTestPlatform,
  type TestPlatform,
} from '../../../test/helpers.js';
import { mqttTarget, rnd, TcpProxy } from '../integrations/test-kit.js';
import {
  addDownlinkNode,
  createDevice,
  createDownlinkIntegration,
  replyDecoder,
  requestEncoder,
  subscriber,
  waitConnected,
} from './rpc-kit.js';


/**
 * Downlinks go out at QoS 1 and a persistent call moves on only once the broker acknowledged it: the
 * integration reaches the broker through a proxy that can hold back or swallow what the broker answers.
 */
describe('persistent RPC and the broker acknowledgement', () => {
  let p: TestPlatform;
  let proxy: TcpProxy;
  beforeAll(async () => {
    p = await startTestPlatform({ INTEGRATION_RECONNECT_MIN_MS: '100', INTEGRATION_RECONNECT_MAX_MS: '500' });
    const t = mqttTarget(p);
    proxy = await TcpProxy.start(t.host, t.port);
  });
  afterAll(async () => {
    await proxy.close();
    await p.stop();
  });

  async function setUp() {
    // a tenant of its own: its Root Rule Chain sends RPCs to this integration only
    const { token } = await createTenantWithAdmin(p, `Ack ${rnd()}`);
    const auth = bearer(token);
    const prefix = `bb-${rnd()}`;
    const name = `A-${rnd()}`;
    const deviceId = await createDevice(p, name, token);
    const integ = await createDownlinkIntegration(p, {
      decoder: replyDecoder(prefix),
      encoder: requestEncoder(prefix),
      filters: [{ filter: `${prefix}/+/response`, qos: 1 }],
      host: '127.0.0.1',
      port: proxy.port,
      token,
    });
    await addDownlinkNode(p, integ.id, token);
    await waitConnected(p, integ.id, token);
    const device = await subscriber(p.mqttUrl, `${prefix}/${name}/rx`);
    const call = async (kind: 'oneway' | 'twoway', method: string) => {
      const r = await p
        .http()
        .post(`/api/plugins/rpc/${kind}/${deviceId}`)
        .set(auth)
        .send({ method, params: 1, persistent: true, timeout: 60000 });
      expect(r.status).toBe(200);
      return r.body.rpcId as string;
    };
    const status = async (rpcId: string) =>
      (await p.http().get(`/api/rpc/persistent/${rpcId}`).set(auth)).body.status as string;
    const close = async () => {
      await device.client.endAsync();
      await p.http().delete(`/api/integration/${integ.id}`).set(auth);
    };
    return { integ, device, call, status, auth, close };
  }

  it('keeps a call SENT while the broker has not acknowledged it, and moves it on (SUCCESSFUL, DELIVERED) once it has', async () => {
    const { device, call, status, close } = await setUp();
    proxy.hold();
    const oneway = await call('oneway', 'setValue');
    const twoway = await call('twoway', 'getValue');
    // the broker has both commands (the device got them) but its PUBACKs have not come back
    const seen = [JSON.parse(await device.next()), JSON.parse(await device.next())];
    expect(seen.map((m) => m.id).sort()).toEqual([oneway, twoway].sort());
    for (let i = 0; i < 5; i++) {
      expect([await status(oneway), await status(twoway)]).toEqual(['SENT', 'SENT']);
      await new Promise((r) => setTimeout(r, 200));
    }
    proxy.release();
    await eventually(async () => (await status(oneway)) === 'SUCCESSFUL');
    await eventually(async () => (await status(twoway)) === 'DELIVERED');
    // sent once each: nothing was re-sent while the acknowledgement was late
    await new Promise((r) => setTimeout(r, 1500));
    expect(device.messages).toEqual([]);
    await close();
  }, 40000);

  it('sends a call again when the acknowledgement never comes (the link died mid-publish), then completes it', async () => {
    const { integ, device, call, status, auth, close } = await setUp();
    // what the broker answers on this connection is lost from now on; the heartbeat (30 s) would notice much later
    proxy.blackhole();
    const oneway = await call('oneway', 'setValue');
    expect(JSON.parse(await device.next()).id).toBe(oneway);
    expect(await status(oneway)).toBe('SENT');
    // connectTimeoutSec (5 s) later the publish gives up, the connection is renewed and the call goes out again
    expect(JSON.parse(await device.next(15000)).id).toBe(oneway);
    await eventually(async () => (await status(oneway)) === 'SUCCESSFUL');
    const events = await eventually(async () => {
      const r = await p.http().get(`/api/events/INTEGRATION/${integ.id}?pageSize=50&page=0`).set(auth);
      return r.body.data.find(
        (e: { body: { type: string; status: string } }) =>
          e.body.type === 'Downlink' && e.body.status === 'ERROR',
      );
    });
    expect(events.body.error).toBe('the broker did not acknowledge the message within 5 s');
    await close();
  }, 40000);
});
