import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Integration } from '@bridgeboard/contracts';
import { tokens } from '../../app/api';
import { fakeFetch, page, renderAt } from '../../test/render';
import type { QuarantinedMessage } from '../integrations/quarantine.api';
import type { ArchiveTestResult } from './lifecycle.api';
import { TestPanel } from './TestPanel';

/** the first render of a file takes seconds on a loaded machine */
const SLOW = { timeout: 15_000 };

const CID = '00000000-0000-4000-8000-000000000001';
const integration = (n: number, name: string, converterId: string) =>
  ({ id: { entityType: 'INTEGRATION', id: `i-${n}` }, name, defaultConverterId: { entityType: 'CONVERTER', id: converterId } }) as unknown as Integration;
const quarantined: QuarantinedMessage = {
  id: 'q1',
  createdTime: 1_700_000_000_000,
  integrationId: 'i-1',
  converterId: CID,
  topic: 'sensors/SN-007/temperature',
  payload: btoa('{"temp":"n/a"}'),
  metadata: { integrationName: 'Sensors' },
  error: 'INVALID_OUTPUT: telemetry value is not a number',
  errorCode: 'INVALID_OUTPUT',
  attempts: 1,
  receivedTime: 1_700_000_000_000,
};

describe('TestPanel on past messages', () => {
  it('loads a quarantined message of an integration using this converter as the input', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    const { calls } = fakeFetch((c) => {
      if (c.url.startsWith('/api/integrations')) return [200, page([integration(1, 'Sensors', CID), integration(2, 'Meters', 'other')])];
      if (c.url.startsWith('/api/integration/i-1/quarantine')) return [200, page([quarantined])];
      if (c.url.startsWith('/api/converter/testUpLink')) return [200, { output: '{}', error: '' }];
      return [404, { message: `unexpected ${c.url}` }];
    });
    renderAt(<TestPanel type="UPLINK" script="return {}" converterId={CID} />);
    await userEvent.click(screen.getByRole('button', { name: 'Load a quarantined message' }));
    const dialog = await screen.findByRole('dialog', { name: 'Load a quarantined message' }, SLOW);
    await within(dialog).findByText(/Sensors · sensors\/SN-007\/temperature/, {}, SLOW);
    expect(dialog.textContent).toContain('telemetry value is not a number');
    // only the integration that uses this converter was asked
    expect(calls.filter((c) => c.url.includes('/quarantine')).map((c) => c.url.split('?')[0])).toEqual(['/api/integration/i-1/quarantine']);
    await userEvent.click(within(dialog).getByRole('button', { name: /^Use the message of/ }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect((screen.getByLabelText('Payload') as HTMLTextAreaElement).value).toBe('{"temp":"n/a"}');
    expect(screen.getByText(/Filled from the message quarantined by Sensors/)).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Test decoder function' }));
    await waitFor(() => expect(calls.some((c) => c.url.startsWith('/api/converter/testUpLink'))).toBe(true));
    expect(calls.find((c) => c.url.startsWith('/api/converter/testUpLink'))!.body).toMatchObject({
      payload: btoa('{"temp":"n/a"}'),
      metadata: { topic: 'sensors/SN-007/temperature', integrationName: 'Sensors' },
    });
  });

  it('says so when nothing is quarantined', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    fakeFetch((c) => (c.url.startsWith('/api/integrations') ? [200, page([integration(1, 'Sensors', CID)])] : [200, page([])]));
    renderAt(<TestPanel type="UPLINK" script="return {}" converterId={CID} />);
    await userEvent.click(screen.getByRole('button', { name: 'Load a quarantined message' }));
    expect(await screen.findByText(/Nothing in quarantine/)).toBeTruthy();
  });

  it('runs the edited script on the last N archived messages and lists what differs from the saved version', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    const result: ArchiveTestResult = {
      messages: 10,
      decoded: 9,
      failed: 1,
      changed: 3,
      samples: [
        { topic: 'sensors/SN-001/temperature', receivedTime: 1_700_000_000_000, saved: [{ deviceName: 'SN-001', deviceType: 'sensor', telemetry: [{ ts: 1, values: { temp: 21 } }] }], edited: [{ deviceName: 'SN-001', deviceType: 'sensor', telemetry: [{ ts: 1, values: { temperature: 21 } }] }] },
        { topic: 'sensors/SN-002/temperature', receivedTime: 1_700_000_001_000, saved: [{ deviceName: 'SN-002', deviceType: 'sensor' }], edited: null, error: 'TypeError: x is undefined' },
      ],
    };
    const { calls } = fakeFetch((c) => (c.url === `/api/converter/${CID}/testOnArchive` ? [200, result] : [404, { message: 'unexpected' }]));
    renderAt(<TestPanel type="UPLINK" script="return edited;" converterId={CID} />);
    const n = screen.getByLabelText('Messages');
    await userEvent.clear(n);
    await userEvent.type(n, '600');
    expect(screen.getByText('From 1 to 500')).toBeTruthy();
    expect((screen.getByRole('button', { name: /^Run on the last/ }) as HTMLButtonElement).disabled).toBe(true);
    await userEvent.clear(n);
    await userEvent.type(n, '10');
    await userEvent.click(screen.getByRole('button', { name: 'Run on the last 10 archived messages' }));
    const counts = await screen.findByRole('list', { name: 'Archive test counts' });
    expect([...counts.querySelectorAll('li')].map((l) => l.textContent)).toEqual(['Messages: 10', 'Decoded: 9', 'Failed: 1', 'Changed: 3']);
    const rows = within(screen.getByRole('table', { name: 'Differences saved vs edited' })).getAllByRole('row');
    const changes = within(rows[1]!).getByRole('list', { name: 'Changes' });
    expect([...changes.querySelectorAll('li')].map((l) => l.textContent)).toEqual(['telemetry[0].values.temp: 21 → —', 'telemetry[0].values.temperature: — → 21']);
    expect(rows[2]!.textContent).toContain('The edited script fails: TypeError: x is undefined');
    expect(calls[0]!.body).toEqual({ configuration: { scriptLang: 'JS', decoder: 'return edited;' }, limit: 10 });
  });

  it('offers neither on a converter not saved yet, nor on an encoder', () => {
    renderAt(<TestPanel type="UPLINK" script="return {}" />);
    expect(screen.queryByRole('button', { name: 'Load a quarantined message' })).toBeNull();
    expect(screen.queryByRole('region', { name: 'Test on archived messages' })).toBeNull();
  });
});
