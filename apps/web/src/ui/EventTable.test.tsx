import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { DebugEvent } from '@bridgeboard/contracts';
import { tokens } from '../app/api';
import { NodeEvents } from '../features/rule-chains/NodeEvents';
import { fakeFetch, page, renderAt } from '../test/render';
import { EventTable } from './EventTable';

const ID = '00000000-0000-4000-8000-000000000007';
const ev = (n: number, body: Record<string, unknown>): DebugEvent => ({
  id: `e${n}`,
  createdTime: 1_800_000_000_000 + n,
  entityId: { entityType: 'INTEGRATION', id: ID },
  type: 'DEBUG_INTEGRATION',
  body: body as DebugEvent['body'],
});

describe('EventTable', () => {
  it('names each row: a status event shows its status instead of a blank row', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    fakeFetch(() => [
      200,
      page([
        ev(2, { type: 'Status', status: 'CONNECTED' }),
        ev(1, { type: 'Uplink', in: '{"value":27.4}', inContentType: 'JSON', status: 'OK' }),
      ]),
    ]);
    renderAt(<EventTable entityType="INTEGRATION" entityId={ID} />);
    const table = await screen.findByRole('table', { name: 'Events' });
    expect(await within(table).findByText('Status: CONNECTED')).toBeTruthy();
    // JSON stays on one line, cut at the edge, never broken inside a key or a number
    const json = within(table).getByText('{"value":27.4}');
    expect(getComputedStyle(json).whiteSpace).toBe('nowrap');
    expect(json.getAttribute('title')).toBe('{"value":27.4}');
  });

  it('opens an event in a dialog that has a Close button', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    fakeFetch(() => [200, page([ev(1, { type: 'Uplink', in: '{"value":1}', status: 'OK' })])]);
    renderAt(<EventTable entityType="INTEGRATION" entityId={ID} />);
    await userEvent.click(await screen.findByText('{"value":1}'));
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it("opens the message's journey from an event that carries a trace", async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    const TRACE = '00000000-0000-4000-8000-0000000000aa';
    const traced = { ...ev(1, { type: 'Uplink', in: '{"value":25.1}', status: 'OK' }), traceId: TRACE };
    fakeFetch((c) =>
      c.url === `/api/events/trace/${TRACE}`
        ? [
            200,
            {
              traceId: TRACE,
              events: [
                traced,
                { ...traced, id: 'r1', entityId: { entityType: 'RULE_NODE', id: ID }, body: { type: 'OUT', relationType: 'Success', msgType: 'POST_TELEMETRY_REQUEST' } },
                {
                  ...traced,
                  id: 'l1',
                  createdTime: traced.createdTime + 3,
                  type: 'DEBUG_LIVE',
                  entityId: { entityType: 'DEVICE', id: ID },
                  body: { type: 'LIVE', event: 'telemetry', keys: ['temperature'], sockets: 1, rooms: [`device:${ID}`], node: 'n1', otherNodes: 0 },
                },
              ],
            },
          ]
        : [200, page([traced])],
    );
    renderAt(<EventTable entityType="INTEGRATION" entityId={ID} />);
    await userEvent.click(await screen.findByText('{"value":25.1}'));
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Show message journey' }));
    const journey = await screen.findByRole('list', { name: 'Message journey' });
    expect(within(journey).getByText('Rule node')).toBeTruthy();
    expect(within(journey).getByText('out → Success · POST_TELEMETRY_REQUEST')).toBeTruthy();
    // the last step: the live push to the browser watching the device, after the save
    const steps = within(journey).getAllByRole('listitem');
    expect(within(steps.at(-1)!).getByText('Live push')).toBeTruthy();
    expect(within(steps.at(-1)!).getByText('telemetry (temperature) → 1 socket on this node')).toBeTruthy();
    expect(within(steps.at(-1)!).getByText('+3 ms')).toBeTruthy();
  });

  it("filters a rule node's events by message type on the server", async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    const { calls } = fakeFetch(() => [200, page([])]);
    renderAt(<NodeEvents nodeId={ID} debugMode />);
    await screen.findByText('No events yet');
    await userEvent.click(screen.getByRole('combobox', { name: 'Message type' }));
    await userEvent.click(screen.getByRole('option', { name: 'RPC_CALL_FROM_SERVER_TO_DEVICE' }));
    await waitFor(() =>
      expect(new URL(calls.at(-1)!.url, 'http://x').searchParams.get('msgType')).toBe(
        'RPC_CALL_FROM_SERVER_TO_DEVICE',
      ),
    );
  });
});
