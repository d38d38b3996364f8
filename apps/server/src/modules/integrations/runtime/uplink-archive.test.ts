import type { Device } from '@bridgeboard/contracts';
import type { IncomingMessage } from './mqtt-connection.js';
import { UplinkPipeline, type PipelineDeps, type Quarantined } from './uplink-pipeline.js';
import type { ArchiveItem } from './uplink-archive.js';
import type { UplinkOutcome } from './ports.js';

const device = (name: string): Device => ({ id: { entityType: 'DEVICE', id: `id-${name}` }, name, type: 't' }) as unknown as Device;

/** A pipeline whose converter (version 4) decodes {"d": name}, fails on {"throw": …} and returns a bad result for {"bad": …}. */
function pipeline(over: Partial<PipelineDeps> = {}) {
  const archived: ArchiveItem[] = [];
  const quarantined: Quarantined[] = [];
  const errors: string[] = [];
  const p = new UplinkPipeline(
    { tenantId: 't', id: 'i', name: 'I', converterId: 'c', metadata: {}, maxBytes: 1024, poisonAttempts: 3 },
    {
      converters: {
        runUplink: async (_t, _c, inputs) =>
          inputs.map((x): UplinkOutcome => {
            const d = JSON.parse(Buffer.from(x.payload).toString());
            if (d.throw) return { ok: false, error: 'boom', code: 'SCRIPT_ERROR', version: 4 };
            if (d.bad) return { ok: false, error: 'deviceName missing', code: 'INVALID_OUTPUT', version: 4 };
            return { ok: true, results: [{ deviceName: d.d, deviceType: 't', telemetry: [{ ts: 1, values: { x: 1 } }] }], version: 4 };
          }),
        find: async () => null,
      },
      findOrCreate: async (_t, wanted) => ({ devices: new Map(wanted.map((w) => [w.name, device(w.name)])), created: [] }),
      validate: () => undefined,
      sink: () => ({ handle: async () => undefined }),
      rpc: () => null,
      deviceCreated: () => undefined,
      received: () => undefined,
      failed: (_m, _md, e) => void errors.push(e),
      succeeded: () => undefined,
      storageProblem: () => undefined,
      quarantine: async (items) => void quarantined.push(...items),
      archive: async (items) => void archived.push(...items),
      ...over,
    },
  );
  const send = async (payloads: object[]) => {
    let acked = 0;
    payloads.forEach((x, k) => void p.enqueue({ topic: `t/${k}`, payload: Buffer.from(JSON.stringify(x)), qos: 1, receivedAt: 1000 + k, ack: () => void acked++ } as IncomingMessage));
    for (let k = 0; k < 400 && acked < payloads.length; k++) await new Promise((r) => setTimeout(r, 5));
    return acked;
  };
  return { p, send, archived, quarantined, errors };
}

describe('uplink pipeline: raw archive and quarantine of script errors (issue 19)', () => {
  it('archives decoded messages with their receive time and converter version; script errors and invalid output go to the quarantine instead, reported once', async () => {
    const t = pipeline();
    expect(await t.send([{ d: 'a' }, { throw: 1 }, { bad: 1 }, { d: 'b' }])).toBe(4);
    expect(t.archived.map((x) => [x.m.topic, x.receivedTime, x.converterVersion])).toEqual([
      ['t/0', 1000, 4],
      ['t/3', 1003, 4],
    ]);
    expect(t.quarantined.map((q) => [q.m.topic, q.code, q.error, q.reported])).toEqual([
      ['t/1', 'SCRIPT_ERROR', 'boom', true],
      ['t/2', 'INVALID_OUTPUT', 'deviceName missing', true],
    ]);
    expect(t.errors).toEqual(['boom', 'deviceName missing']);
    await t.p.stop();
  });

  it('writes the archive once when the batch is committed again after a storage failure, and acknowledges only after both', async () => {
    let fails = 1;
    const t = pipeline({
      sink: () => ({
        handle: async () => {
          if (fails-- > 0) throw Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
        },
      }),
    });
    expect(await t.send([{ d: 'a' }, { d: 'b' }])).toBe(2);
    expect(t.archived.map((x) => x.m.topic)).toEqual(['t/0', 't/1']);
    await t.p.stop();
  });

  it('does not acknowledge a batch whose archive write failed, and writes it on the retry', async () => {
    let fails = 1;
    const archived: string[] = [];
    const t = pipeline({
      archive: async (items) => {
        if (fails-- > 0) throw Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
        archived.push(...items.map((x) => x.m.topic));
      },
    });
    expect(await t.send([{ d: 'a' }])).toBe(1);
    expect(archived).toEqual(['t/0']);
    await t.p.stop();
  });
});
