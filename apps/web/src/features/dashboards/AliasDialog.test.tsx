import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { EntityAlias } from '@bridgeboard/contracts';
import { fakeFetch, page, renderAt } from '../../test/render';
import { AliasDialog } from './AliasDialog';
import { AliasesDialog } from './AliasesDialog';

const SN001 = '1b4e28ba-2fa1-41d2-883f-0016d3cca427';
const device = (id: string, name: string) => ({ id: { entityType: 'DEVICE', id }, name, type: 'sensor' });
const devices = [device(SN001, 'SN-001'), device('2b4e28ba-2fa1-41d2-883f-0016d3cca427', 'SN-002')];

function serveDevices() {
  return fakeFetch((c) => {
    if (c.url.startsWith('/api/tenant/devices')) {
      const text = new URL(c.url, 'http://x').searchParams.get('textSearch') ?? '';
      return [200, page(devices.filter((d) => d.name.toLowerCase().includes(text.toLowerCase())))];
    }
    if (c.url === `/api/device/${SN001}`) return [200, devices[0]];
    return [404, { status: 404, message: 'Device not found', errorCode: 32, timestamp: 1 }];
  });
}

describe('AliasDialog', { timeout: 20000 }, () => {
  it("adds the guide's alias: Sensor, single entity of type Device, SN-001", async () => {
    const api = serveDevices();
    const onSave = vi.fn();
    renderAt(<AliasDialog open alias={null} takenNames={[]} onClose={() => undefined} onSave={onSave} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Alias name'), 'Sensor');
    expect(screen.getByLabelText('Filter type').textContent).toContain('Single entity');
    expect(screen.getByLabelText('Type').textContent).toContain('Device');
    await user.type(screen.getByLabelText('Device'), 'SN-001');
    // the picker searches the server by name as the user types
    await waitFor(() => expect(api.calls.some((c) => c.url.includes('textSearch=SN-001'))).toBe(true));
    await user.click(await screen.findByRole('option', { name: 'SN-001' }));
    await user.click(screen.getByRole('button', { name: 'Add' }));
    expect(onSave).toHaveBeenCalledWith(
      {
        id: expect.any(String),
        alias: 'Sensor',
        filter: { type: 'singleEntity', singleEntity: { entityType: 'DEVICE', id: SN001 } },
      },
      { id: SN001, name: 'SN-001' },
    );
  });

  it('says what is missing: a name, a device, and a name not used twice', async () => {
    serveDevices();
    const onSave = vi.fn();
    renderAt(
      <AliasDialog open alias={null} takenNames={['Sensor']} onClose={() => undefined} onSave={onSave} />,
    );
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Add' }));
    expect(await screen.findByText('Enter a name for the alias, e.g. Sensor.')).toBeTruthy();
    expect(screen.getByText('Pick the device this alias stands for.')).toBeTruthy();
    await user.type(screen.getByLabelText('Alias name'), 'sensor');
    await user.click(screen.getByRole('button', { name: 'Add' }));
    expect(await screen.findByText('An alias named sensor already exists on this dashboard.')).toBeTruthy();
    expect(onSave).not.toHaveBeenCalled();
  });

  it('edits an existing alias keeping its id and showing its device by name', async () => {
    serveDevices();
    const onSave = vi.fn();
    const alias: EntityAlias = {
      id: 'a1',
      alias: 'Sensor',
      filter: { type: 'singleEntity', singleEntity: { entityType: 'DEVICE', id: SN001 } },
    };
    renderAt(<AliasDialog open alias={alias} takenNames={[]} onClose={() => undefined} onSave={onSave} />);
    await waitFor(() => expect((screen.getByLabelText('Device') as HTMLInputElement).value).toBe('SN-001'));
    const user = userEvent.setup();
    await user.clear(screen.getByLabelText('Alias name'));
    await user.type(screen.getByLabelText('Alias name'), 'Thermometer');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(onSave).toHaveBeenCalledWith({ ...alias, alias: 'Thermometer' }, { id: SN001, name: 'SN-001' });
  });
});

describe('AliasesDialog', { timeout: 20000 }, () => {
  it('keeps the device list reachable when the alias dialog opens over the aliases list', async () => {
    serveDevices();
    const onSave = vi.fn();
    const configuration = { entityAliases: {}, widgets: {}, layout: { widgets: {} } } as never;
    renderAt(
      <AliasesDialog open configuration={configuration} deviceNames={{}} onClose={() => undefined} onSave={onSave} />,
    );
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Add alias' }));
    // typed at once, while the dialogs change over: the device list must not end up aria-hidden
    await user.type(screen.getByRole('combobox', { name: 'Device' }), 'S');
    await new Promise((r) => setTimeout(r, 600));
    await user.type(screen.getByRole('combobox', { name: 'Device' }), 'N-001');
    await user.click(await screen.findByRole('option', { name: 'SN-001' }));
    await user.type(screen.getByLabelText('Alias name'), 'Sensor');
    await user.click(screen.getByRole('button', { name: 'Add' }));
    expect(await screen.findByText('Single entity · Device · SN-001')).toBeTruthy();
    await user.click(await screen.findByRole('button', { name: 'Save' }));
    const saved = Object.values(onSave.mock.calls[0]![0] as Record<string, EntityAlias>);
    expect(saved.map((a) => [a.alias, a.filter.singleEntity.id])).toEqual([['Sensor', SN001]]);
  });
});
