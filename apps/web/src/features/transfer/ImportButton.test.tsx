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
  it('loads the tutorial example with one click, says what it created and what is left, and reloads the list', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    const { calls } = fakeFetch(() => [200, result]);
    const onImported = vi.fn();
    renderAt(<ImportButton onImported={onImported} />);
    await userEvent.click(screen.getByRole('button', { name: 'Import' }));
    await userEvent.click(screen.getByRole('menuitem', { name: 'Load the tutorial example' }));
    expect(
      await screen.findByText(
        /Imported converter MQTT Uplink, rule chain Root Rule Chain\. Dashboard 'MQTT Dashboard': alias 'Sensor' is waiting/,
      ),
    ).toBeTruthy();
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(['POST /api/import/example/mqtt-tutorial']);
    expect(onImported).toHaveBeenCalledTimes(1);
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
