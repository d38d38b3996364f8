import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { ImportResult } from '@bridgeboard/contracts';
import { tokens } from '../../app/api';
import { fakeFetch, renderAt } from '../../test/render';
import { ImportButton } from './ImportButton';

const result: ImportResult = {
  created: [
    { entityType: 'CONVERTER', sourceId: 'a', id: 'b', name: 'MQTT Uplink' },
    { entityType: 'RULE_CHAIN', sourceId: 'c', id: 'd', name: 'Root Rule Chain' },
  ],
  warnings: ["Dashboard 'MQTT Dashboard': alias 'Sensor' is waiting for device 'SN-001'."],
};

describe('ImportButton', () => {
  it('loads the tutorial example after a confirmation, says what it created and what is left, and reloads the list', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    const { calls } = fakeFetch(() => [200, result]);
    const onImported = vi.fn();
    renderAt(<ImportButton onImported={onImported} />);
    await userEvent.click(screen.getByRole('button', { name: 'Import' }));
    await userEvent.click(screen.getByRole('menuitem', { name: 'Load the tutorial example' }));
    expect(screen.getByRole('dialog', { name: 'Load the tutorial example?' }).textContent).toMatch(
      /becomes your root chain/,
    );
    expect(calls).toEqual([]);
    await userEvent.click(screen.getByRole('button', { name: 'Load' }));
    expect(
      await screen.findByText(
        /Imported converter MQTT Uplink, rule chain Root Rule Chain\. Dashboard 'MQTT Dashboard': alias 'Sensor' is waiting/,
      ),
    ).toBeTruthy();
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(['POST /api/import/example/mqtt-tutorial']);
    expect(onImported).toHaveBeenCalledTimes(1);
  });

  it('loads nothing when the confirmation is cancelled', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    const { calls } = fakeFetch(() => [200, result]);
    renderAt(<ImportButton onImported={() => undefined} />);
    await userEvent.click(screen.getByRole('button', { name: 'Import' }));
    await userEvent.click(screen.getByRole('menuitem', { name: 'Load the tutorial example' }));
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(calls).toEqual([]);
  });

  it('shows why a second load is refused and creates a second copy only when the user insists', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    const message =
      "The mqtt-tutorial example is already loaded: integration 'MQTT Integration' (tb/mqtt-integration-tutorial/sensors/+/temperature) subscribes to the same topics on localhost:1883.";
    const { calls } = fakeFetch((c) =>
      c.url.includes('duplicate=true')
        ? [200, result]
        : [409, { status: 409, message, errorCode: 35, timestamp: 1 }],
    );
    const onImported = vi.fn();
    renderAt(<ImportButton onImported={onImported} />);
    const load = async () => {
      await userEvent.click(screen.getByRole('button', { name: 'Import' }));
      await userEvent.click(screen.getByRole('menuitem', { name: 'Load the tutorial example' }));
      await userEvent.click(screen.getByRole('button', { name: 'Load' }));
    };
    await load();
    const asked = await screen.findByRole('dialog', { name: 'Already loaded' });
    expect(asked.textContent).toContain(message);
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    // refused: the sentence stays on screen as an error, nothing was created
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain(message));
    expect(onImported).not.toHaveBeenCalled();
    await load();
    await userEvent.click(await screen.findByRole('button', { name: 'Load a second copy' }));
    await waitFor(() => expect(onImported).toHaveBeenCalledTimes(1));
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'POST /api/import/example/mqtt-tutorial',
      'POST /api/import/example/mqtt-tutorial',
      'POST /api/import/example/mqtt-tutorial?duplicate=true',
    ]);
  });

  it('imports a chosen file and shows the server sentence when the document is refused', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    const message =
      'integrations[0].defaultConverterId: converter x is neither in the document nor in your tenant';
    const { calls } = fakeFetch(() => [400, { status: 400, message, errorCode: 31, timestamp: 1 }]);
    const onImported = vi.fn();
    renderAt(<ImportButton onImported={onImported} />);
    const doc = { format: 'bridgeboard-export', version: 1, integrations: [] };
    await userEvent.upload(
      screen.getByLabelText('Import file'),
      new File([JSON.stringify(doc)], 'x.json', { type: 'application/json' }),
    );
    expect(await screen.findByText(message)).toBeTruthy();
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/api/import', body: doc });
    expect(onImported).not.toHaveBeenCalled();
  });

  it('says so when the chosen file is not JSON, without calling the server', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    const { calls } = fakeFetch(() => [200, result]);
    renderAt(<ImportButton onImported={() => undefined} />);
    await userEvent.upload(
      screen.getByLabelText('Import file'),
      new File(['not json'], 'notes.txt', { type: 'application/json' }),
    );
    await waitFor(() =>
      expect(
        screen.getByText(/notes\.txt is not a JSON file; choose a file saved with an Export button\./),
      ).toBeTruthy(),
    );
    expect(calls).toEqual([]);
  });
});
