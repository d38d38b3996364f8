import { createTestDatabase } from '../../../test/helpers.js';
import { openDatabase, type Db } from '../../database/db.js';
import { ClusterBus, type BusMessage } from './cluster-bus.js';

// NOTIFY carries at most 8000 bytes: a downlink passed to the node that runs its integration, or a
// reply, can be larger (base64 of the payload); such messages go through the cluster_message table.
describe('the cluster bus between two nodes', () => {
  let db: { url: string; drop(): Promise<void> };
  let dbA: Db;
  let dbB: Db;
  let a: ClusterBus;
  let b: ClusterBus;

  beforeAll(async () => {
    db = await createTestDatabase();
    dbA = await openDatabase(db.url, 4);
    dbB = await openDatabase(db.url, 4);
    a = new ClusterBus(dbA, 'bus-a');
    b = new ClusterBus(dbB, 'bus-b');
    await a.start();
    await b.start();
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await dbA.close();
    await dbB.close();
    await db.drop();
  });

  it('a call and its reply far over 8000 bytes arrive whole', async () => {
    const big = Buffer.alloc(48 * 1024, 7).toString('base64');
    b.serve('echo', async (body, from) => ({ from, payload: String(body.payload).split('').reverse().join('') }));
    const r = await a.call<{ from: string; payload: string }>('bus-b', 'echo', { payload: big });
    expect(r.from).toBe('bus-a');
    expect(r.payload.length).toBe(big.length);
    expect(r.payload).toBe(big.split('').reverse().join(''));
  });

  it('a large message to every node arrives whole; a small one too', async () => {
    const got: BusMessage[] = [];
    b.on('test', (m) => got.push(m));
    const text = 'x'.repeat(20_000);
    await a.send({ type: 'test', text });
    await a.send({ type: 'test', text: 'small' });
    const until = Date.now() + 10_000;
    while (got.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(got.map((m) => String(m.text).length).sort((x, y) => x - y)).toEqual([5, 20_000]);
  });

  it('an error the other node throws comes back with its status and sentence; a node that does not answer, as a 504 naming it', async () => {
    await expect(a.call('bus-b', 'nothing', {})).rejects.toMatchObject({
      status: 501,
      message: "Node 'bus-b' does not serve 'nothing'",
    });
    await expect(a.call('bus-gone', 'echo', { payload: 'x' }, 500)).rejects.toMatchObject({
      status: 504,
      message: "Node 'bus-gone' did not answer within 0.5 s",
    });
  });
});
