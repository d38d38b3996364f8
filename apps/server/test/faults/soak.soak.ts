// Soak run (not in CI): `pnpm --filter @bridgeboard/server soak`. Defaults: 30 minutes at 5,000 msgs/s,
// a fault every 5 minutes rotating broker restart (1), Postgres outage (3), platform SIGKILL (5).
// Short form: SOAK_MINUTES=2 SOAK_RATE=500 SOAK_FAULT_EVERY_SEC=30 pnpm --filter @bridgeboard/server soak
import { createTestDatabase, type TestPlatform } from '../helpers.js';
import {
  createConverter,
  createIntegration,
  dropSession,
  rnd,
  SEQ_DECODER,
  TcpProxy,
  waitStatus,
} from '../../src/modules/integrations/test-kit.js';
import {
  MemoryWatch,
  missingRanges,
  OwnMosquitto,
  report,
  SeqStream,
  sleep,
  waitStored,
} from './fault-kit.js';
import { ChildPlatform } from '../child-platform.js';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 30);
const RATE = Number(process.env.SOAK_RATE ?? 5000);
const FAULT_EVERY_SEC = Number(process.env.SOAK_FAULT_EVERY_SEC ?? 300);
const PG_OUTAGE_SEC = Number(process.env.SOAK_PG_OUTAGE_SEC ?? 30);

describe('soak', () => {
  it(
    `stores every QoS 1 message for ${MINUTES} min at ${RATE} msgs/s with a fault every ${FAULT_EVERY_SEC} s`,
    async () => {
      const broker = await OwnMosquitto.start({ maxQueued: 1_000_000 });
      const db = await createTestDatabase();
      const u = new URL(db.url);
      const pgProxy = await TcpProxy.start(u.hostname, Number(u.port || 5432));
      u.port = String(pgProxy.port);
      const plat = new ChildPlatform(u.toString(), { LOG_LEVEL: 'error' });
      const p = plat as unknown as TestPlatform;
      const clientId = `bb-soak-${rnd()}`;
      try {
        await plat.start();
        const converterId = await createConverter(p, SEQ_DECODER);
        const prefix = `${rnd()}/soak`;
        const { id } = await createIntegration(p, {
          converterId,
          filters: [{ filter: `${prefix}/#`, qos: 1 }],
          host: '127.0.0.1',
          port: broker.port,
          clientId,
        });
        await waitStatus(p, id, 'CONNECTED', 30000);
        const device = `SOAK-${rnd()}`;
        const stream = await SeqStream.start(broker.url, `${prefix}/x`, device, RATE);
        const mem = new MemoryWatch(() => plat.proc?.pid, 1000);
        const faults: string[] = [];
        const rssAfterWarmup: number[] = [];
        const end = Date.now() + MINUTES * 60_000;
        for (let k = 0; Date.now() + FAULT_EVERY_SEC * 1000 <= end; k++) {
          await sleep(FAULT_EVERY_SEC * 1000);
          rssAfterWarmup.push(mem.samples.at(-1) ?? 0);
          const kind = k % 3;
          const t0 = Date.now();
          if (kind === 0) await broker.restart(1000);
          if (kind === 1) {
            await pgProxy.cut();
            await sleep(PG_OUTAGE_SEC * 1000);
            await pgProxy.restore();
          }
          if (kind === 2) {
            plat.kill9();
            await sleep(1000);
            await plat.start();
          }
          faults.push(
            `${['broker restart', 'postgres outage', 'platform SIGKILL'][kind]} at ${Math.round((t0 - (end - MINUTES * 60_000)) / 1000)} s`,
          );
        }
        await sleep(Math.max(0, end - Date.now()));
        const sent = await stream.stop();
        const stored = await waitStored(p, device, sent, 300_000);
        mem.stop();
        const warm = rssAfterWarmup[0] ?? mem.firstRssMb;
        const last = mem.samples.at(-1) ?? 0;
        report('9 soak', {
          minutes: MINUTES,
          rate: RATE,
          faults,
          published: sent,
          stored,
          lost: sent - stored,
          peakRssMb: mem.peakRssMb,
          rssAfterWarmupMb: warm,
          rssAtEndMb: last,
          rssGrowthPct: warm ? ((last - warm) / warm) * 100 : 0,
        });
        expect({ stored, missing: await missingRanges(p, device, sent) }).toEqual({
          stored: sent,
          missing: 'none',
        });
      } finally {
        await plat.close();
        await pgProxy.close();
        await db.drop();
        await broker.close();
        await dropSession(process.env.MQTT_URL!, clientId).catch(() => undefined);
      }
    },
    4 * 3600_000,
  );
});
