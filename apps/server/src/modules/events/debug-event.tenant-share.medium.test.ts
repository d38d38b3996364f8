import type { DebugEvent } from '@bridgeboard/contracts';
import {
  bearer,
  createTenantWithAdmin,
  eventually,
  startTestPlatform,
  type TestPlatform,
} from '../../../test/helpers.js';
import {
  countPoints,
  createConverter,
  createIntegration,
  deviceByName,
  publisher,
  rnd,
  SEQ_DECODER,
} from '../integrations/test-kit.js';

const SHARE = 5;

/** One tenant with an integration in debug mode on its own topic prefix. */
async function tenantWithDebuggedIntegration(p: TestPlatform, title: string) {
  const t = await createTenantWithAdmin(p, `${title} ${rnd()}`);
  const prefix = `${rnd()}/share`;
  const converterId = await createConverter(p, SEQ_DECODER, t.token);
  const { id } = await createIntegration(
    p,
    { converterId, filters: [{ filter: `${prefix}/#`, qos: 0 }], cleanSession: true, debugMode: true },
    t.token,
  );
  await eventually(async () => {
    const r = await p.http().get(`/api/integration/${id}/status`).set(bearer(t.token));
    return r.body.status === 'CONNECTED';
  });
  return { ...t, prefix, integrationId: id };
}

const dropped = async (p: TestPlatform, tenantId: string) => {
  const text = (await p.http().get('/metrics').expect(200)).text;
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`bridgeboard_debug_events_dropped_total{tenant="${tenantId}",reason="tenant_share"}`));
  return line ? Number(line.split(' ').pop()) : 0;
};

describe('the debug-event buffer, shared by tenants (DEBUG_EVENTS_TENANT_BUFFER)', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform({ DEBUG_EVENTS_TENANT_BUFFER: String(SHARE) });
  });
  afterAll(async () => {
    await p.stop();
  });

  it("a tenant's debug flood loses only its own events past its share, counted per tenant in /metrics; another tenant's event at the same moment is kept", async () => {
    const loud = await tenantWithDebuggedIntegration(p, 'Loud');
    const quiet = await tenantWithDebuggedIntegration(p, 'Quiet');
    const pub = await publisher(p.mqttUrl);
    const base = Date.now();
    const msg = (d: string, seq: number) => JSON.stringify({ d, seq, ts: base + seq });
    // 60 uplinks of the loud tenant in one burst, the quiet tenant's one among them
    await Promise.all([
      ...Array.from({ length: 60 }, (_, i) => pub.publishAsync(`${loud.prefix}/x`, msg('LOUD-1', i))),
      pub.publishAsync(`${quiet.prefix}/x`, msg('QUIET-1', 1)),
    ]);
    await pub.endAsync();

    const events = (t: { token: string; integrationId: string }) =>
      p
        .http()
        .get(`/api/events/INTEGRATION/${t.integrationId}?pageSize=100&page=0`)
        .set(bearer(t.token))
        .then((r) => (r.body.data as DebugEvent[]).filter((e) => e.body.type === 'Uplink'));
    // every loud uplink is stored as data; its debug events past its share are dropped and counted
    const device = await eventually(() => deviceByName(p, 'LOUD-1', loud.token));
    await eventually(async () => (await countPoints(p, device.id.id)) === 60);
    expect(await eventually(async () => ((await dropped(p, loud.tenantId)) > 0 ? true : null))).toBe(true);
    expect((await events(loud)).length).toBeLessThan(60);
    // the quiet tenant's event, recorded in the same burst, is there, and nothing of it was dropped
    const q = await eventually(async () => {
      const e = await events(quiet);
      return e.length ? e : null;
    });
    expect(q.map((e) => JSON.parse(String(e.body.in)).d)).toEqual(['QUIET-1']);
    expect(await dropped(p, quiet.tenantId)).toBe(0);
  });
});
