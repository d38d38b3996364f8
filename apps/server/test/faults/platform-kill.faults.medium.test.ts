import { createTestDatabase, type TestPlatform } from '../helpers.js';
import {
  createConverter,
  createIntegration,
  deviceByName,
  rnd,
  SEQ_DECODER,
  waitStatus,
} from '../../src/modules/integrations/test-kit.js';
import {
  faultSeconds,
  MemoryWatch,
  missingRanges,
  OwnMosquitto,
  report,
  SeqStream,
  sleep,
  waitStored,
} from './fault-kit.js';
import { ChildPlatform } from '../child-platform.js';

const RATE = Number(process.env.FAULT_RATE ?? 200);

describe('platform killed mid-stream', () => {
  it('5: loses no QoS 1 message and leaves no half-written batch when the platform is SIGKILLed and started again', async () => {
    const seconds = faultSeconds(6, 30);
    const db = await createTestDatabase();
    const plat = new ChildPlatform(db.url);
    const p = plat as unknown as TestPlatform;
    const clientId = `bb-kill-${rnd()}`;
    // a queue that holds the messages of the restart (docs/reliability.md)
    const broker = await OwnMosquitto.start({ maxQueued: 1_000_000 });
    try {
      await plat.start();
      const mem = new MemoryWatch(() => plat.proc?.pid);
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
      const device = `K-${rnd()}`;
      const stream = await SeqStream.start(broker.url, `${prefix}/x`, device, RATE);
      await sleep(seconds * 1000);
      plat.kill9();
      const killedAt = Date.now();
      await sleep(500);
      // every batch is one transaction: the latest value agrees with the history at the moment of the kill
      const dev = (await deviceByName(p, device).catch(() => null)) ?? null;
      const rows = await plat.db.query<{ hist: string | null; latest: string | null; n: string }>(
        `SELECT (SELECT max(long_v) FROM ts_kv_named d JOIN device x ON x.id = d.entity_id WHERE x.name = $1 AND d.key = 'seq') AS hist,
                (SELECT long_v FROM ts_kv_latest l JOIN device x ON x.id = l.entity_id WHERE x.name = $1 AND l.key = 'seq') AS latest,
                (SELECT count(*) FROM ts_kv_named d JOIN device x ON x.id = d.entity_id WHERE x.name = $1 AND d.key = 'seq') AS n`,
        [device],
      );
      const atKill = rows[0]!;
      await sleep(2000);
      const startMs = await plat.start();
      await waitStatus(p, id, 'CONNECTED', 30000);
      await sleep(2000);
      const sent = await stream.stop();
      const stored = await waitStored(p, device, sent, 60000);
      mem.stop();
      report('5 platform SIGKILLed mid-stream', {
        published: sent,
        storedAtKill: Number(atKill.n),
        stored,
        lost: sent - stored,
        recoveryMs: Date.now() - killedAt,
        restartMs: startMs,
        peakRssMb: mem.peakRssMb,
        latestAtKill: atKill.latest,
        maxHistoryAtKill: atKill.hist,
      });
      expect(dev === null || atKill.latest === atKill.hist).toBe(true);
      expect({ stored, missing: await missingRanges(p, device, sent) }).toEqual({
        stored: sent,
        missing: 'none',
      });
    } finally {
      await plat.close();
      await db.drop();
      await broker.close();
    }
  }, 300_000);
});
