import { bearer, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import { TelemetryService, type DeviceData } from './telemetry.service.js';

/**
 * Several integrations and cluster nodes write the same devices at once. Each batch is one
 * statement whose rows are locked in one shared order, so two writers queue behind each other
 * instead of deadlocking — whatever order their messages arrived in.
 */
describe('two writers on the same devices', () => {
  let p: TestPlatform;
  let tenantId: string;
  const devices: string[] = [];
  beforeAll(async () => {
    p = await startTestPlatform();
    tenantId = (await p.http().get('/api/auth/user').set(bearer(p.tenantToken))).body.tenantId.id;
    for (let i = 0; i < 10; i++)
      devices.push((await p.http().post('/api/device').set(bearer(p.tenantToken)).send({ name: `W-${i}`, type: 'sensor' })).body.id.id);
  }, 60000);
  afterAll(async () => {
    await p.stop();
  });

  const shuffle = <T>(a: T[]): T[] => {
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
    return a;
  };
  const KEYS = ['a', 'b', 'c', 'd', 'e'];
  const T0 = Date.now() - 3_600_000;

  /** one batch: every device, every key, 20 timestamps from `round`, items in a random order */
  const batch = (writer: number, round: number): DeviceData[] =>
    shuffle(
      devices.flatMap((deviceId) =>
        Array.from({ length: 20 }, (_, i) => ({
          tenantId,
          deviceId,
          attributes: { writer },
          telemetry: [{ ts: T0 + (round * 10 + i) * 1000, values: Object.fromEntries(shuffle([...KEYS]).map((k) => [k, writer * 1000 + i])) }],
        })),
      ),
    );

  it('never deadlocks, and every point is stored once', async () => {
    const svc = p.app.get(TelemetryService);
    const ROUNDS = 30;
    const errors: string[] = [];
    // each writer keeps 3 batches in flight; rounds overlap (same rows upserted by both writers)
    const writer = async (w: number) => {
      const queue = Array.from({ length: ROUNDS }, (_, r) => r);
      const lane = async () => {
        for (let r = queue.shift(); r !== undefined; r = queue.shift())
          await svc.saveBatch(batch(w, r)).catch((e: Error) => errors.push(e.message));
      };
      await Promise.all([lane(), lane(), lane()]);
    };
    await Promise.all([writer(1), writer(2)]);
    expect(errors).toEqual([]);
    const distinctTs = (ROUNDS - 1) * 10 + 20;
    const [n] = await p.db.query<{ n: string }>('SELECT count(*) AS n FROM ts_kv_named WHERE entity_id = ANY($1::uuid[])', [devices]);
    expect(Number(n!.n)).toBe(devices.length * KEYS.length * distinctTs);
    const [latest] = await p.db.query<{ n: string; ts: string }>('SELECT count(*) AS n, min(ts) AS ts FROM ts_kv_latest WHERE entity_id = ANY($1::uuid[])', [devices]);
    expect(latest).toEqual({ n: String(devices.length * KEYS.length), ts: String(T0 + (distinctTs - 1) * 1000) });
  }, 180000);
});
