import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { DeviceInfo } from '@bridgeboard/contracts';
import { tokens } from '../../app/api';
import { fakeSocket } from '../../test/fake-socket';
import { fakeFetch, page, renderAt } from '../../test/render';
import { DevicesPage } from './DevicesPage';

const device = (name: string, type = 'sensor', active = false, lastActivityTime: number | null = null): DeviceInfo => ({
  id: { entityType: 'DEVICE', id: `00000000-0000-4000-8000-${name.replace(/\D/g, '').padStart(12, '0')}` },
  createdTime: 1_700_000_000_000,
  deviceProfileId: { entityType: 'DEVICE_PROFILE', id: '00000000-0000-4000-8000-00000000ffff' },
  version: 1,
  tenantId: { entityType: 'TENANT', id: 't' },
  name,
  type,
  label: null,
  additionalInfo: null,
  active,
  lastActivityTime,
});

const devicesCalls = (calls: { url: string }[]) => calls.filter((c) => c.url.startsWith('/api/tenant/deviceInfos')).map((c) => new URL(c.url, 'http://x').searchParams);

describe('DevicesPage', () => {
  it('lists the devices of the first page, newest first', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    const { calls } = fakeFetch((c) => (c.url.startsWith('/api/tenant/deviceInfos') ? [200, page([device('SN-001'), device('SN-002')], 12)] : [200, {}]));
    renderAt(<DevicesPage />, { route: '/devices' });
    const table = await screen.findByRole('table', { name: 'Devices' });
    expect(await within(table).findByText('SN-001')).toBeTruthy();
    expect(within(table).getByText('SN-002')).toBeTruthy();
    expect(screen.getByText(/1–10 of 12/)).toBeTruthy();
    const q = devicesCalls(calls)[0]!;
    expect([q.get('page'), q.get('pageSize'), q.get('sortProperty'), q.get('sortOrder')]).toEqual(['0', '10', 'createdTime', 'DESC']);
  });

  it('shows each device as active or inactive, with its last activity', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    fakeFetch(() => [200, page([device('SN-001', 'sensor', true, 1_800_000_000_000), device('SN-002')])]);
    renderAt(<DevicesPage />, { route: '/devices' });
    const table = await screen.findByRole('table', { name: 'Devices' });
    const row1 = (await within(table).findByText('SN-001')).closest('tr')!;
    expect(within(row1).getByRole('img', { name: 'Active' })).toBeTruthy();
    // created and last activity
    expect(within(row1).getAllByText(/^20\d\d-/)).toHaveLength(2);
    const row2 = within(table).getByText('SN-002').closest('tr')!;
    expect(within(row2).getByRole('img', { name: 'Inactive' })).toBeTruthy();
  });

  it('searches by name, sorts by a column and keeps both in the URL', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    const { calls } = fakeFetch(() => [200, page([device('SN-001')])]);
    const { router } = renderAt(<DevicesPage />, { route: '/devices' });
    await screen.findByText('SN-001');
    await userEvent.type(screen.getByLabelText('Search by name'), 'SN');
    await waitFor(() => expect(devicesCalls(calls).some((q) => q.get('textSearch') === 'SN')).toBe(true));
    await userEvent.click(screen.getByRole('button', { name: 'Name' }));
    await waitFor(() => expect(devicesCalls(calls).at(-1)!.get('sortProperty')).toBe('name'));
    expect(devicesCalls(calls).at(-1)!.get('sortOrder')).toBe('ASC');
    expect(router.state.location.search).toContain('textSearch=SN');
    expect(router.state.location.search).toContain('sortProperty=name');
  });

  it('filters by type from the URL', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    const { calls } = fakeFetch(() => [200, page([device('SN-001')])]);
    renderAt(<DevicesPage />, { route: '/devices?type=sensor' });
    await screen.findByText('SN-001');
    expect(devicesCalls(calls)[0]!.get('type')).toBe('sensor');
  });

  it('says what to do next when there are no devices', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    fakeFetch(() => [200, page([])]);
    renderAt(<DevicesPage />, { route: '/devices' });
    expect(await screen.findByText('No devices yet')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Set up an integration' })).toBeTruthy();
  });

  it("shows the API's sentence when the list cannot be loaded", async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    fakeFetch(() => [500, { status: 500, message: 'Database is not reachable', errorCode: 2, timestamp: 1 }]);
    renderAt(<DevicesPage />, { route: '/devices' });
    expect(await screen.findByText('Database is not reachable')).toBeTruthy();
  });

  it('shows a device created by an integration without reloading the page', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    let devices: DeviceInfo[] = [];
    fakeFetch(() => [200, page(devices)]);
    renderAt(<DevicesPage />, { route: '/devices' });
    await screen.findByText('No devices yet');
    expect(fakeSocket.emitted).toContainEqual({ event: 'subscribe', payload: { room: 'tenant' } });
    devices = [device('SN-001')];
    act(() => fakeSocket.serverEmit('device', { event: 'created', device: devices[0] }));
    expect(await screen.findByText('SN-001')).toBeTruthy();
  });
});
