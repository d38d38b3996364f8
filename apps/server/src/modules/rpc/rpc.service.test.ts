import type { Device } from '@bridgeboard/contracts';
import { RpcService } from './rpc.service.js';
import type { OpenRpc, RpcRepository } from './rpc.repository.js';

const open = (status: OpenRpc['status'], oneway = false): OpenRpc => ({
  id: `rpc-${status}`,
  tenantId: 't',
  deviceId: 'd',
  createdTime: Date.now(),
  expirationTime: Date.now() + 60_000,
  oneway,
  request: {
    id: `rpc-${status}`,
    oneway,
    persisted: true,
    body: { method: 'getValue', params: '{}' },
    requestId: 1,
  },
  status,
  out: null,
});

/** An RpcService on fakes: the repository records final statuses; the engine records what was sent. */
function service(left: OpenRpc[], openDelay: Promise<void>) {
  const finished: [string, string][] = [];
  const told: string[] = [];
  const repo = {
    open: async () => (await openDelay, left),
    finish: async (id: string, status: string) => (finished.push([id, status]), true),
    transition: async () => true,
    expire: async () => [],
    queuedOutbound: async () => [],
  } as unknown as RpcRepository;
  const rpc = new RpcService({
    engine: {
      tell: async (_t, msg) => {
        told.push(msg.metadata.requestUUID!);
        return { deliveries: [{ ok: true }], failures: [] } as never;
      },
    },
    devices: { get: async () => ({ id: { id: 'd' }, name: 'D', type: 'sensor' }) as unknown as Device },
    repo,
    integrations: { status: () => ({ status: 'CONNECTED' }), publish: async () => undefined },
    tickMs: 60_000,
  });
  return { rpc, finished, told };
}

describe('persistent RPCs left open by a killed platform', () => {
  it('completes a two-way call whose reply the broker hands over before start() has read the open calls', async () => {
    let release!: () => void;
    const s = service([open('DELIVERED')], new Promise((r) => (release = r)));
    const started = s.rpc.start();
    // the integration connected first and the kept reply came in
    s.rpc.onResponse('t', 'd', { requestId: 'rpc-DELIVERED', data: { value: 7 } });
    release();
    await started;
    await new Promise((r) => setImmediate(r));
    expect(s.finished).toEqual([['rpc-DELIVERED', 'SUCCESSFUL']]);
    await s.rpc.stop();
  });

  it('sends a SENT call again (at least once), unless its reply was already waiting', async () => {
    const answered = {
      ...open('SENT'),
      id: 'answered',
      request: { ...open('SENT').request, id: 'answered' },
    };
    const s = service([open('SENT'), answered, open('DELIVERED')], Promise.resolve());
    s.rpc.onResponse('t', 'd', { requestId: 'answered', data: 1 });
    await s.rpc.start();
    await new Promise((r) => setTimeout(r, 10));
    expect(s.told).toEqual(['rpc-SENT']);
    expect(s.finished).toEqual([['answered', 'SUCCESSFUL']]);
    await s.rpc.stop();
  });
});

async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(ok()).toBe(true);
}

describe('queued persistent RPCs sent by the housekeeping tick', () => {
  const queued = (id: string, oneway: boolean): OpenRpc => ({
    ...open('QUEUED', oneway),
    id,
    request: { ...open('QUEUED', oneway).request, id },
    out: { integrationId: 'i', topic: `t/${id}`, payload: Buffer.from(id) },
  });

  it('moves a call on only once the broker has it, waits for each call on its own, and queues a call again when that is unknown', async () => {
    const calls = [queued('slow', true), queued('fast', false), queued('lost', true)];
    const transitions: string[] = [];
    const finished: [string, string][] = [];
    let served = false;
    const repo = {
      open: async () => [],
      finish: async (id: string, status: string) => (finished.push([id, status]), true),
      transition: async (id: string, from: string[], to: string) => (
        transitions.push(`${id} ${from.join('|')}→${to}`),
        true
      ),
      expire: async () => [],
      queuedOutbound: async () => (served ? [] : ((served = true), calls)),
    } as unknown as RpcRepository;
    let ack!: () => void;
    const rpc = new RpcService({
      engine: { tell: async () => ({ deliveries: [], failures: [] }) as never },
      devices: { get: async () => ({}) as Device },
      repo,
      integrations: {
        status: () => ({ status: 'CONNECTED' }),
        publish: (_t, _i, topic) =>
          topic === 't/slow'
            ? new Promise<void>((r) => (ack = r))
            : topic === 't/lost'
              ? Promise.reject(
                  Object.assign(
                    new Error('the connection was lost before the broker acknowledged the message'),
                    { status: 409 },
                  ),
                )
              : Promise.resolve(),
      },
      tickMs: 5,
    });
    await rpc.start();
    await until(() => transitions.length === 5);
    // 'slow' went out first and is not acknowledged yet: still SENT, and it did not hold the others up
    expect(transitions.slice(0, 3)).toEqual(['slow QUEUED→SENT', 'fast QUEUED→SENT', 'lost QUEUED→SENT']);
    expect(transitions.slice(3).sort()).toEqual(['fast SENT|QUEUED→DELIVERED', 'lost SENT→QUEUED']);
    expect(finished).toEqual([]);
    ack();
    await until(() => finished.length === 1);
    expect(finished).toEqual([['slow', 'SUCCESSFUL']]);
    await rpc.stop();
  });
});
