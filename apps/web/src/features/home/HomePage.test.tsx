import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { DebugEvent, HomeSummary, Integration } from '@bridgeboard/contracts';
import { tokens } from '../../app/api';
import { fakeFetch, page, renderAt } from '../../test/render';
import { HomePage } from './HomePage';

const INTEG = '00000000-0000-4000-8000-000000000001';
const TRACE = '00000000-0000-4000-8000-0000000000aa';
const integration = {
  id: { entityType: 'INTEGRATION', id: INTEG },
  name: 'MQTT Integration',
  enabled: true,
  status: {
    status: 'CONNECTED',
    messagesIn: 42,
    messagesOut: 0,
    errors: 1,
    lastMessageTime: 1_800_000_000_000,
    quarantined: 3,
    rates: { in1m: 2, in15m: 0.5, errors15m: 0, perMinute: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 20, 17] },
  },
} as unknown as Integration;
const error: DebugEvent = {
  id: 'e1',
  createdTime: 1_800_000_000_000,
  entityId: { entityType: 'INTEGRATION', id: INTEG },
  type: 'DEBUG_INTEGRATION',
  body: { type: 'Uplink', in: 'not json', error: 'Unexpected token o in JSON' },
  traceId: TRACE,
};
const summary: HomeSummary = { devices: { total: 3, active: 2, inactive: 1 }, recentErrors: [error] };

function api() {
  return fakeFetch((c) => {
    if (c.url.startsWith('/api/integrations')) return [200, page([integration])];
    if (c.url === '/api/home') return [200, summary];
    if (c.url === `/api/events/trace/${TRACE}`)
      return [
        200,
        {
          traceId: TRACE,
          events: [
            {
              ...error,
              id: 'c1',
              entityId: { entityType: 'CONVERTER', id: INTEG },
              body: { in: 'not json', error: 'Unexpected token o in JSON' },
            },
            { ...error, createdTime: error.createdTime + 3 },
          ],
        },
      ];
    return [404, {}];
  });
}

describe('HomePage', () => {
  it("shows each integration's status, rates, sparkline, errors and quarantine, and the devices active and inactive", async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    api();
    renderAt(<HomePage />);
    const table = await screen.findByRole('table', { name: 'Integrations health' });
    const row = within(table).getByText('MQTT Integration').closest('tr')!;
    expect(within(row).getByLabelText('Status: CONNECTED')).toBeTruthy();
    expect(within(row).getByText('2.0/s / 30/min')).toBeTruthy();
    expect(
      within(row)
        .getByRole('img', { name: 'MQTT Integration messages per minute' })
        .getAttribute('data-values'),
    ).toBe('0,0,0,0,0,0,0,0,0,0,0,0,5,20,17');
    expect(within(row).getByText('3')).toBeTruthy();
    expect((await screen.findByTestId('devices-active')).textContent).toBe('2');
    expect(screen.getByTestId('devices-inactive').textContent).toBe('1');
  });

  it("lists recent errors; one opens its message's journey as a timeline", async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    api();
    renderAt(<HomePage />);
    expect(await screen.findByText('Unexpected token o in JSON')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Journey' }));
    const journey = await screen.findByRole('list', { name: 'Message journey' });
    const steps = within(journey).getAllByRole('listitem');
    expect(steps).toHaveLength(2);
    expect(within(steps[0]!).getByText('Converter')).toBeTruthy();
    expect(within(steps[1]!).getByText('+3 ms')).toBeTruthy();
    expect(within(steps[1]!).getByText('Integration')).toBeTruthy();
  });
});

describe('HomePage for the sysadmin', () => {
  it("shows every tenant's usage", async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    const fn = fakeFetch((c) =>
      c.url === '/api/admin/usage'
        ? [
            200,
            [
              {
                tenantId: 't1',
                title: 'Acme',
                devices: 12,
                activeDevices: 5,
                integrations: 2,
                messages: 123456,
                dataPoints: 7890,
                debugEvents: 11,
              },
            ],
          ]
        : [404, {}],
    ).fn;
    const inner = fn.getMockImplementation()!;
    fn.mockImplementation(async (url: string, init?: RequestInit) =>
      url === '/api/auth/user'
        ? new Response(JSON.stringify({ email: 'sysadmin@example.com', authority: 'SYS_ADMIN' }), {
            status: 200,
          })
        : inner(url, init),
    );
    renderAt(<HomePage />);
    const table = await screen.findByRole('table', { name: "Tenants' usage" });
    const row = within(table).getByText('Acme').closest('tr')!;
    expect(within(row).getByText('12 (5)')).toBeTruthy();
    expect(within(row).getByText('123,456')).toBeTruthy();
  });
});
