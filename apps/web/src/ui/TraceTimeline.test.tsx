import { describe, expect, it } from 'vitest';
import type { DebugEvent } from '@bridgeboard/contracts';
import { describeStep } from './TraceTimeline';

const DEVICE = '00000000-0000-4000-8000-000000000009';
const live = (body: Record<string, unknown>): DebugEvent => ({
  id: 'l1',
  createdTime: 1_800_000_000_000,
  entityId: { entityType: 'DEVICE', id: DEVICE },
  type: 'DEBUG_LIVE',
  body: { type: 'LIVE', event: 'telemetry', keys: ['temperature'], rooms: [], node: 'n1', ...body },
  traceId: '00000000-0000-4000-8000-0000000000aa',
});

describe('describeStep', () => {
  it('says when a live push reached no browser on this node, and that other nodes got it in a cluster', () => {
    expect(describeStep(live({ sockets: 0, otherNodes: 0 }))).toEqual({
      who: 'Live push',
      what: 'telemetry (temperature) → no browser watching on this node',
    });
    expect(describeStep(live({ event: 'attributes', keys: ['integrationName'], sockets: 2, otherNodes: 1 }))).toEqual({
      who: 'Live push',
      what: 'attributes (integrationName) → 2 sockets on this node · passed to 1 other node',
    });
  });

  it("keeps an RPC step of the device an RPC step", () => {
    const rpc: DebugEvent = { ...live({}), type: 'DEBUG_RPC', body: { type: 'RPC', stage: 'DELIVERED', method: 'setValue' } };
    expect(describeStep(rpc)).toEqual({ who: 'RPC', what: 'DELIVERED · setValue' });
  });
});
