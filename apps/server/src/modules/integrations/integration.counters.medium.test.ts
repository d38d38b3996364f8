import { bearer, createTestDatabase, eventually, type TestPlatform } from '../../../test/helpers.js';
import {
  createConverter,
  createIntegration,
  publisher,
  rnd,
  SEQ_DECODER,
  startPlatformOn,
  waitStatus,
} from './test-kit.js';

/** What the integration header shows: in / out / errors / last message. */
async function status(p: TestPlatform, id: string) {
  return (await p.http().get(`/api/integration/${id}/status`).set(bearer(p.tenantToken))).body as {
    status: string;
    messagesIn: number;
    messagesOut: number;
    errors: number;
    lastMessageTime: number | null;
    lastError: string | null;
    rates: { in1m: number; in15m: number; errors15m: number; perMinute: number[] };
  };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('integration counters', () => {
  it('keep counting across a restart instead of starting again at 0 and "—"', async () => {
    const db = await createTestDatabase();
    let p = await startPlatformOn(db.url);
    try {
      const prefix = `${rnd()}/cnt`;
      const converterId = await createConverter(p, SEQ_DECODER);
      const { id } = await createIntegration(p, {
        converterId,
        filters: [{ filter: `${prefix}/#`, qos: 0 }],
        cleanSession: true,
      });
      await waitStatus(p, id, 'CONNECTED');
      const pub = await publisher(p.mqttUrl);
      for (let i = 0; i < 3; i++)
        await pub.publishAsync(`${prefix}/a`, JSON.stringify({ d: `C-${rnd()}`, seq: i, ts: Date.now() }));
      await pub.publishAsync(`${prefix}/a`, 'not json'); // the decoder fails: one error
      const before = await eventually(async () => {
        const s = await status(p, id);
        return s.messagesIn === 4 && s.errors === 1 ? s : null;
      });
      expect(before.lastMessageTime).toBeGreaterThan(0);
      expect(before.lastError).toMatch(/JSON|Unexpected/);
      expect(sum(before.rates.perMinute)).toBe(4);
      expect(before.rates.errors15m).toBeGreaterThan(0);

      const restart = async () => {
        await p.stop();
        p = await startPlatformOn(db.url);
        await waitStatus(p, id, 'CONNECTED');
        return status(p, id);
      };
      const after = await restart();
      expect(after).toMatchObject({
        messagesIn: 4,
        messagesOut: 0,
        errors: 1,
        lastMessageTime: before.lastMessageTime,
        lastError: before.lastError,
      });

      // the rates too (uplinks per minute of the last 15 minutes, errors)
      expect(sum(after.rates.perMinute)).toBe(4);
      expect(after.rates.in15m).toBeGreaterThan(0);
      expect(after.rates.errors15m).toBeGreaterThan(0);

      // and they go on from there
      await pub.publishAsync(`${prefix}/a`, JSON.stringify({ d: `C-${rnd()}`, seq: 9, ts: Date.now() }));
      await eventually(async () => (await status(p, id)).messagesIn === 5);
      await pub.endAsync();
      // a second restart: the minutes loaded at the first are not written again
      expect(sum((await restart()).rates.perMinute)).toBe(5);
    } finally {
      await p.stop();
      await db.drop();
    }
  }, 90000);

  it('count a connection error as an error, as the Events tab lists it', async () => {
    const db = await createTestDatabase();
    const p = await startPlatformOn(db.url);
    try {
      const converterId = await createConverter(p, SEQ_DECODER);
      // nothing listens on port 9 (discard) of this machine
      const { id } = await createIntegration(p, {
        converterId,
        filters: [{ filter: 'x/#', qos: 0 }],
        host: '127.0.0.1',
        port: 9,
        cleanSession: true,
      });
      await waitStatus(p, id, /^ERROR/);
      const s = await status(p, id);
      expect(s.errors).toBeGreaterThanOrEqual(1);
      const events = (
        await p.http().get(`/api/events/INTEGRATION/${id}?pageSize=100&page=0`).set(bearer(p.tenantToken))
      ).body.data as {
        body: { error?: string };
      }[];
      const listed = events.filter((e) => e.body.error).length;
      expect(listed).toBeGreaterThanOrEqual(1);
      expect(Math.abs((await status(p, id)).errors - listed)).toBeLessThanOrEqual(1); // a retry may land between the two reads
    } finally {
      await p.stop();
      await db.drop();
    }
  }, 60000);
});
