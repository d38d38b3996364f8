import { bearer, createTestDatabase } from '../helpers.js';
import {
  createConverter,
  createIntegration,
  dropSession,
  rnd,
  SEQ_DECODER,
  startPlatformOn,
  TcpProxy,
  waitStatus,
} from '../../src/modules/integrations/test-kit.js';
import {
  faultSeconds,
  MemoryWatch,
  missingRanges,
  OwnMosquitto,
  report,
  runtimeStatus,
  SeqStream,
  sleep,
  SlowProxy,
  statusOf,
  waitStored,
} from './fault-kit.js';

const RATE = Number(process.env.FAULT_RATE ?? 200);

/** Postgres goes away or turns slow behind a proxy; the broker holds what the platform has not acknowledged. */
describe('database faults under a QoS 1 stream', () => {
  it('3: loses nothing while Postgres is unreachable, resumes by itself, and keeps memory bounded while it waits', async () => {
    const outage = faultSeconds(10, 30);
    const db = await createTestDatabase();
    const u = new URL(db.url);
    const proxy = await TcpProxy.start(u.hostname, Number(u.port || 5432));
    u.port = String(proxy.port);
    const p = await startPlatformOn(u.toString(), { LOG_LEVEL: 'error', REST_RATE_LIMIT_TENANT: 'off' });
    // the broker must hold what arrives during the outage: max_queued_messages >= rate x outage (docs/reliability.md)
    const broker = await OwnMosquitto.start({ maxQueued: 1_000_000 });
    const clientId = `bb-pg-${rnd()}`;
    try {
      const prefix = `${rnd()}/seq`;
      const converterId = await createConverter(p, SEQ_DECODER);
      const { id } = await createIntegration(p, {
        converterId,
        filters: [{ filter: `${prefix}/#`, qos: 1 }],
        clientId,
        host: '127.0.0.1',
        port: broker.port,
      });
      await waitStatus(p, id, 'CONNECTED');
      const device = `PG-${rnd()}`;
      const stream = await SeqStream.start(broker.url, `${prefix}/x`, device, RATE);
      await sleep(3000);
      const before = new MemoryWatch();
      await sleep(1000);
      before.stop();
      const during = new MemoryWatch();
      await proxy.cut();
      await sleep(outage * 1000);
      const lastError = runtimeStatus(p, id).lastError;
      await proxy.restore();
      during.stop();
      const restoredAt = Date.now();
      await sleep(2000);
      const sent = await stream.stop();
      const stored = await waitStored(p, device, sent, 60000);
      const recoveryMs = Date.now() - restoredAt;
      const st = await statusOf(p, id);
      report('3 Postgres stopped during a QoS 1 stream', {
        outageSec: outage,
        published: sent,
        stored,
        lost: sent - stored,
        duplicates: st.messagesIn - sent,
        recoveryMs,
        rssBeforeMb: before.peakRssMb,
        peakRssMb: during.peakRssMb,
        statusDuringOutage: lastError,
      });
      expect({ stored, missing: await missingRanges(p, device, sent) }).toEqual({
        stored: sent,
        missing: 'none',
      });
      // a sentence a user can act on, not the driver's error object
      expect(lastError).toMatch(
        /^Database unavailable: connection refused \(127\.0\.0\.1:\d+\); messages are held by the broker and retried until it answers$/,
      );
      // the pipeline stops reading at its high-water mark; the rest waits in the broker
      expect(during.peakRssMb - before.peakRssMb).toBeLessThan(150);
    } finally {
      await p.stop();
      await proxy.close();
      await db.drop();
      await broker.close();
    }
  }, 300_000);

  it('4: slows down but loses nothing, and the API still answers, while every Postgres round trip takes 200 ms', async () => {
    const seconds = faultSeconds(20, 120);
    const db = await createTestDatabase();
    const u = new URL(db.url);
    let delay = 0;
    const proxy = await SlowProxy.start(u.hostname, Number(u.port || 5432), () => delay);
    u.port = String(proxy.port);
    const p = await startPlatformOn(u.toString(), { LOG_LEVEL: 'error', REST_RATE_LIMIT_TENANT: 'off' });
    const clientId = `bb-slow-${rnd()}`;
    try {
      const prefix = `${rnd()}/seq`;
      const converterId = await createConverter(p, SEQ_DECODER);
      const { id } = await createIntegration(p, {
        converterId,
        filters: [{ filter: `${prefix}/#`, qos: 1 }],
        clientId,
      });
      await waitStatus(p, id, 'CONNECTED');
      const device = `SLOW-${rnd()}`;
      delay = 200;
      const stream = await SeqStream.start(p.mqttUrl, `${prefix}/x`, device, RATE);
      const latencies: number[] = [];
      const end = Date.now() + seconds * 1000;
      while (Date.now() < end) {
        const t0 = Date.now();
        const r = await p.http().get('/api/tenant/devices?pageSize=10&page=0').set(bearer(p.tenantToken));
        expect(r.status).toBe(200);
        latencies.push(Date.now() - t0);
        await sleep(500);
      }
      const sent = await stream.stop();
      const storedWhileSlow = await waitStored(p, device, sent, 1000);
      delay = 0;
      const stored = await waitStored(p, device, sent, 60000);
      const st = await statusOf(p, id);
      latencies.sort((a, b) => a - b);
      report('4 Postgres slow (200 ms per round trip)', {
        seconds,
        published: sent,
        storedWhileSlow,
        stored,
        lost: sent - stored,
        duplicates: st.messagesIn - sent,
        apiCalls: latencies.length,
        apiMedianMs: latencies[Math.floor(latencies.length / 2)],
        apiMaxMs: latencies.at(-1),
      });
      expect({ stored, missing: await missingRanges(p, device, sent) }).toEqual({
        stored: sent,
        missing: 'none',
      });
      expect(latencies.at(-1)).toBeLessThan(10000);
    } finally {
      delay = 0;
      await p.stop();
      await proxy.close();
      await db.drop();
      await dropSession(process.env.MQTT_URL!, clientId);
    }
  }, 300_000);
});
