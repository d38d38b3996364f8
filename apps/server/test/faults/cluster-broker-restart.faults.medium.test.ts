import { bearer, createTestDatabase, eventually } from '../helpers.js';
import {
  createConverter,
  createIntegration,
  dropSession,
  rnd,
  SEQ_DECODER,
} from '../../src/modules/integrations/test-kit.js';
import { CLUSTER_ENV, clusterView } from '../../src/modules/cluster/cluster-kit.js';
import { ChildPlatform, openConnections } from '../child-platform.js';
import { OwnMosquitto, report, sleep } from './fault-kit.js';

const COUNT = 30;

describe('three nodes and a broker restart', () => {
  it(`reconnects all ${COUNT} integrations on the nodes that ran them (no lease moves, no reconnect storm) within 30 s`, async () => {
    const db = await createTestDatabase();
    const broker = await OwnMosquitto.start();
    // three separate processes, with the default back-off (1 s growing to 60 s, jittered per integration), as users run them
    const nodes = ['node-a', 'node-b', 'node-c'].map(
      (n) =>
        new ChildPlatform(db.url, {
          ...CLUSTER_ENV,
          NODE_ID: n,
          INTEGRATION_RECONNECT_MIN_MS: '1000',
          INTEGRATION_RECONNECT_MAX_MS: '60000',
          LOG_LEVEL: 'error',
        }),
    );
    const clientIds: string[] = [];
    try {
      await Promise.all(nodes.map((n) => n.start()));
      const [a] = nodes as [ChildPlatform];
      const converterId = await createConverter(a, SEQ_DECODER);
      const ids: string[] = [];
      for (let k = 0; k < COUNT; k++) {
        const clientId = `bb-cstorm-${rnd()}`;
        clientIds.push(clientId);
        ids.push(
          (
            await createIntegration(a, {
              converterId,
              filters: [{ filter: `${rnd()}/#`, qos: 1 }],
              host: '127.0.0.1',
              port: broker.port,
              clientId,
            })
          ).id,
        );
      }
      // what each node's lease says it has (CONNECTED), and the connections each process holds to the broker
      const connected = async () =>
        (await clusterView(a)).nodes.reduce(
          (s, n) => s + n.integrations.filter((i) => i.state === 'CONNECTED').length,
          0,
        );
      const sockets = () => nodes.map((n) => (n.proc?.pid ? openConnections(n.proc.pid, broker.port) : 0));
      const leases = () =>
        a.db.query<{ integration_id: string; node_id: string; epoch: string }>(
          'SELECT integration_id, node_id, epoch FROM integration_lease ORDER BY integration_id',
        );
      await eventually(async () => (await connected()) === COUNT, 60000, 200);
      const spread = (await clusterView(a)).nodes.map((n) => n.integrations.length);
      await eventually(async () => sockets().join('/') === spread.join('/'), 10000, 100);
      const before = await leases();

      await broker.down();
      await eventually(async () => (await connected()) === 0, 15000, 50);
      await sleep(1000);
      await broker.up();
      const upAt = Date.now();
      await eventually(async () => (await connected()) === COUNT, 60000, 100);
      const recoveryMs = Date.now() - upAt;
      const after = await leases();
      report('cluster: 3 nodes, 30 integrations, broker restarted', {
        integrations: COUNT,
        perNode: spread.join('/'),
        recoveryMs,
        published: 0,
        stored: 0,
        lost: 0,
      });
      // the integrations stay where they were: a broker outage is no reason to move them
      expect(after).toEqual(before);
      expect(spread.every((n) => n > 0)).toBe(true);
      expect(recoveryMs).toBeLessThan(30000);
      // one connection per integration, on the process that runs it: no client left behind by the reconnects
      await eventually(async () => sockets().join('/') === spread.join('/'), 10000, 100);
      for (const id of ids) await a.http().delete(`/api/integration/${id}`).set(bearer(a.tenantToken));
    } finally {
      for (const n of nodes.reverse()) await n.close();
      for (const c of clientIds) await dropSession(broker.url, c).catch(() => undefined);
      await broker.close();
      await db.drop();
    }
  }, 300_000);
});
