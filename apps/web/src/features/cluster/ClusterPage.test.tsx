import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ClusterView } from '@bridgeboard/contracts';
import { fakeFetch, renderAt } from '../../test/render';
import { ClusterPage } from './ClusterPage';

const now = Date.now();
const view: ClusterView = {
  self: 'node-a',
  heartbeatMs: 1000,
  nodeTimeoutMs: 5000,
  nodes: [
    {
      id: 'node-a',
      host: 'h1',
      pid: 11,
      port: 8080,
      version: '0.1.0',
      startedTime: now - 60_000,
      lastHeartbeat: now,
      status: 'ALIVE',
      load: { integrations: 1, cpuPercent: 12.5, rssMb: 300, sockets: 2 },
      integrations: [{ id: 'i1', tenantId: 't', name: 'Sensors', state: 'CONNECTED', since: now }],
    },
    {
      id: 'node-b',
      host: 'h2',
      pid: 12,
      port: 8080,
      version: '0.1.0',
      startedTime: now - 60_000,
      lastHeartbeat: now - 9000,
      status: 'GONE',
      load: {},
      integrations: [],
    },
  ],
  shared: [{ id: 'i2', tenantId: 't', name: 'Firehose' }],
  unassigned: [{ id: 'i3', tenantId: 't', name: 'Meters' }],
};

describe('ClusterPage', () => {
  it('shows every node with its status, load and integrations, the shared ones and those being taken over', async () => {
    fakeFetch((c) => (c.url === '/api/cluster' ? [200, view] : [404, {}]));
    renderAt(<ClusterPage />, { route: '/cluster' });
    expect(await screen.findByText('Sensors · CONNECTED')).toBeTruthy();
    expect(screen.getByText('this node')).toBeTruthy();
    expect(screen.getByText('GONE')).toBeTruthy();
    expect(screen.getByText('12.5 %')).toBeTruthy();
    expect(screen.getByText(/Firehose/)).toBeTruthy();
    expect(screen.getByText(/Meters/)).toBeTruthy();
    expect(screen.getByText(/1 node alive/)).toBeTruthy();
  });

  it("shows the API's sentence when the caller may not see the cluster", async () => {
    fakeFetch(() => [
      403,
      { status: 403, message: 'You do not have permission to perform this operation', errorCode: 20 },
    ]);
    renderAt(<ClusterPage />, { route: '/cluster' });
    expect(await screen.findByText(/do not have permission/)).toBeTruthy();
  });
});
