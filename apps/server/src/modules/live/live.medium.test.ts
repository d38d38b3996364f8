import { io, type Socket } from 'socket.io-client';
import { bearer, createTenantWithAdmin, eventually, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';

function connect(p: TestPlatform, token: string): Promise<Socket> {
  const s = io(p.url, { path: '/socket.io', transports: ['websocket'], auth: { token }, reconnection: false });
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve(s));
    s.once('connect_error', (e) => reject(e));
  });
}
const subscribe = (s: Socket, room: string) => s.emitWithAck('subscribe', { room }) as Promise<{ ok: boolean; error?: string }>;

describe('live updates over socket.io', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
  });
  afterAll(async () => {
    await p.stop();
  });

  it('pushes new latest telemetry and attributes to a browser-like client subscribed to the device', async () => {
    const auth = bearer(p.tenantToken);
    const d = (await p.http().post('/api/device').set(auth).send({ name: 'Live-1', type: 'sensor' })).body;
    const s = await connect(p, p.tenantToken);
    const got: { event: string; payload: any }[] = [];
    s.onAny((event, payload) => got.push({ event, payload }));
    expect(await subscribe(s, `device:${d.id.id}`)).toEqual({ ok: true });
    await p.http().post(`/api/plugins/telemetry/DEVICE/${d.id.id}/timeseries/ANY`).set(auth).send({ ts: 1700000000000, values: { temperature: 25.1 } });
    await p.http().post(`/api/plugins/telemetry/DEVICE/${d.id.id}/attributes/SERVER_SCOPE`).set(auth).send({ firmware: '1.2' });
    await eventually(async () => got.length >= 2);
    expect(got.find((g) => g.event === 'telemetry')!.payload).toEqual({ deviceId: d.id.id, data: { temperature: [{ ts: 1700000000000, value: 25.1 }] } });
    expect(got.find((g) => g.event === 'attributes')!.payload).toMatchObject({
      deviceId: d.id.id,
      scope: 'SERVER_SCOPE',
      data: [{ key: 'firmware', value: '1.2', lastUpdateTs: expect.any(Number) }],
    });
    const tenantSock = await connect(p, p.tenantToken);
    const created: any[] = [];
    tenantSock.on('device', (x) => created.push(x));
    expect(await subscribe(tenantSock, 'tenant')).toEqual({ ok: true });
    await p.http().post('/api/device').set(auth).send({ name: 'Live-2', type: 'sensor' });
    await eventually(async () => created.length === 1);
    expect(created[0]).toMatchObject({ event: 'created', device: { name: 'Live-2' } });
    s.disconnect();
    tenantSock.disconnect();
  });

  it("refuses another tenant's device room and connections without a valid token", async () => {
    const d = (await p.http().post('/api/device').set(bearer(p.tenantToken)).send({ name: 'Secret-1', type: 'sensor' })).body;
    const other = await createTenantWithAdmin(p, 'Intruder Inc');
    const s = await connect(p, other.token);
    const got: unknown[] = [];
    s.onAny((_e, payload) => got.push(payload));
    const ack = await subscribe(s, `device:${d.id.id}`);
    expect(ack.ok).toBe(false);
    expect(ack.error).toMatch(/No device with id .* in your tenant/);
    expect((await subscribe(s, 'device:not-a-uuid')).ok).toBe(false);
    await p.http().post(`/api/plugins/telemetry/DEVICE/${d.id.id}/timeseries/ANY`).set(bearer(p.tenantToken)).send({ temperature: 1 });
    expect((await subscribe(s, 'tenant')).ok).toBe(true);
    await p.http().post(`/api/plugins/telemetry/DEVICE/${d.id.id}/timeseries/ANY`).set(bearer(p.tenantToken)).send({ temperature: 2 });
    await new Promise((r) => setTimeout(r, 300));
    expect(got).toEqual([]);
    s.disconnect();
    await expect(connect(p, 'not-a-token')).rejects.toThrow(/Authentication failed/);
    await expect(connect(p, '')).rejects.toThrow(/Authentication failed/);
  });
});
