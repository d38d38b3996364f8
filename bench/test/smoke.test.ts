import { runBench } from '../src/bench.js';

/**
 * The benchmark cannot rot: a few hundred messages through the whole harness (platform started
 * from source in its own process, publisher processes, floor and Node-RED references, latency probes).
 * Uses DATABASE_URL / MQTT_URL when set, an embedded Postgres and a private or embedded broker otherwise.
 */
describe('pnpm bench, smoke run', () => {
  it('stores every QoS 1 message it published, in the platform and in both references', async () => {
    const lines: string[] = [];
    const run = await runBench({
      scenarios: [0],
      warmupSec: 0.5,
      publishers: 2,
      floor: true,
      nodered: true,
      platform: 'source',
      databaseUrl: process.env.DATABASE_URL || undefined,
      mqttUrl: process.env.MQTT_URL || undefined,
      tenant: { username: 'tenant@example.com', password: 'tenant' },
      log: (m) => lines.push(m),
    });
    const r = run.results[0]!;
    const p = r.platform as {
      published: number;
      committed: number;
      lost: number;
      latencyCommitted?: { n: number };
    };
    const f = r.floor as { published: number; committed: number; lost: number };
    expect({ published: p.published, committed: p.committed, lost: p.lost }).toEqual({
      published: 300,
      committed: 300,
      lost: 0,
    });
    expect({ published: f.published, committed: f.committed, lost: f.lost }).toEqual({
      published: 300,
      committed: 300,
      lost: 0,
    });
    const n = r.nodered!;
    expect({ published: n.published, committed: n.committed, lost: n.lost }).toEqual({
      published: 300,
      committed: 300,
      lost: 0,
    });
    expect(run.machine.cpus).toBeGreaterThan(0);
    expect(run.commit).toMatch(/^[0-9a-f]{40}$|^$/);
  }, 110000);
});
