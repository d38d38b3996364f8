// Shared by the cluster tests (not a test file itself): nodes on one database, and what they say.
import { bearer, eventually, startTestNode, type TestPlatform } from '../../../test/helpers.js';
import type { MqttClient } from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import type { ClusterView } from './cluster.service.js';

/** Fast heartbeats, so a test sees joins and losses within a second or two. */
export const CLUSTER_ENV = {
  CLUSTER_HEARTBEAT_MS: '300',
  CLUSTER_NODE_TIMEOUT_BEATS: '4',
  SANDBOX_WORKERS: '1',
};

export function startNode(
  url: string,
  nodeId: string,
  env: Record<string, string> = {},
): Promise<TestPlatform> {
  return startTestNode(url, {
    ...CLUSTER_ENV,
    NODE_ID: nodeId,
    INTEGRATION_RECONNECT_MIN_MS: '200',
    INTEGRATION_RECONNECT_MAX_MS: '2000',
    ...env,
  });
}

export async function clusterView(p: Pick<TestPlatform, 'http' | 'sysadminToken'>): Promise<ClusterView> {
  const r = await p.http().get('/api/cluster').set(bearer(p.sysadminToken));
  if (r.status !== 200) throw new Error(`GET /api/cluster: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as ClusterView;
}

/** Integration ids per alive node. */
export async function owners(
  p: Pick<TestPlatform, 'http' | 'sysadminToken'>,
): Promise<Record<string, string[]>> {
  const v = await clusterView(p);
  return Object.fromEntries(
    v.nodes.filter((n) => n.status === 'ALIVE').map((n) => [n.id, n.integrations.map((i) => i.id)]),
  );
}

/** Waits until `node` runs the integration (its lease and CONNECTED). */
export function waitOwner(
  p: Pick<TestPlatform, 'http' | 'sysadminToken'>,
  id: string,
  node: string | RegExp,
  timeoutMs = 15000,
): Promise<ClusterView> {
  return eventually(
    async () => {
      const v = await clusterView(p);
      const n = v.nodes.find((x) => x.integrations.some((i) => i.id === id && i.state === 'CONNECTED'));
      return n && (typeof node === 'string' ? n.id === node : node.test(n.id)) ? v : null;
    },
    timeoutMs,
    100,
  );
}

/** A browser's socket.io connection to a node (websocket transport), logged in as the tenant. */
export function connectSocket(p: Pick<TestPlatform, 'url' | 'tenantToken'>): Promise<Socket> {
  const s = io(p.url, {
    path: '/socket.io',
    transports: ['websocket'],
    auth: { token: p.tenantToken },
    reconnection: false,
  });
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve(s));
    s.once('connect_error', (e) => reject(e));
  });
}

/** The device answers every call ({id, params} on its topic) with {id, reply: {got: params}} on `topic`. */
export function answerCalls(device: MqttClient, pub: MqttClient, topic: string): void {
  device.on('message', (_t, m) => {
    const req = JSON.parse(m.toString()) as { id: string; params: number };
    void pub.publishAsync(topic, JSON.stringify({ id: req.id, reply: { got: req.params } }), { qos: 1 });
  });
}
