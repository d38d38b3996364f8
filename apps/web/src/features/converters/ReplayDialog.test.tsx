import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Integration } from '@bridgeboard/contracts';
import { tokens } from '../../app/api';
import { fakeFetch, page, renderAt } from '../../test/render';
import type { ReplayDryRun, ReplayJob } from './lifecycle.api';
import { converterFixture } from '../../test/fixtures';
import { ConverterPage } from './ConverterPage';
import { ReplayDialog } from './ReplayDialog';

/** the first render of a file takes seconds on a loaded machine */
const SLOW = { timeout: 15_000 };

const ID = '00000000-0000-4000-8000-000000000001';
const OTHER = '00000000-0000-4000-8000-000000000002';
const integration = (n: number, name: string, converterId: string) =>
  ({ id: { entityType: 'INTEGRATION', id: `i-${n}` }, name, defaultConverterId: { entityType: 'CONVERTER', id: converterId } }) as unknown as Integration;
const integrations = [integration(1, 'Sensors', ID), integration(2, 'Meters', OTHER)];

const dry: ReplayDryRun = {
  messages: 4,
  changed: 3,
  unchanged: 0,
  failed: 1,
  samples: [
    { deviceName: 'SN-001', ts: 1_700_000_000_000, before: { deviceName: 'SN-001', deviceType: 'sensor', telemetry: [{ ts: 1_700_000_000_000, values: { temp: 25.1 } }] }, after: { deviceName: 'SN-001', deviceType: 'sensor', telemetry: [{ ts: 1_700_000_000_000, values: { temperature: 25.1 } }] } },
    { deviceName: 'SN-002', ts: 1_700_000_060_000, before: null, after: null, error: 'TypeError: boom' },
  ],
};
const job = (p: Partial<ReplayJob>): ReplayJob => ({ id: 'j1', status: 'RUNNING', dryRun: false, total: 4, processed: 0, createdTime: 1, finishedTime: null, result: null, error: null, ...p });

describe('ReplayDialog', () => {
  it('dry-runs the chosen window, integration and device, and shows the counts and before/after samples', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    const { calls } = fakeFetch((c) => {
      if (c.url.startsWith('/api/integrations')) return [200, page(integrations)];
      if (c.url === `/api/converter/${ID}/replay`) return [200, dry];
      return [404, { message: 'unexpected' }];
    });
    renderAt(<ReplayDialog converterId={ID} converterName="MQTT Uplink" onClose={() => undefined} />);
    fireEvent.change(screen.getByLabelText('Start'), { target: { value: '2026-12-06T05:00' } });
    fireEvent.change(screen.getByLabelText('End'), { target: { value: '2026-12-06T06:00' } });
    await userEvent.click(screen.getByRole('combobox', { name: 'Integration' }));
    const options = await screen.findAllByRole('option');
    // only the integrations that use this converter
    expect(options.map((o) => o.textContent)).toEqual(['All integrations', 'Sensors']);
    await userEvent.click(screen.getByRole('option', { name: 'Sensors' }));
    await userEvent.type(screen.getByLabelText('Device name'), 'SN-001');
    await userEvent.click(screen.getByRole('button', { name: 'Dry run' }));

    const counts = await screen.findByRole('list', { name: 'Dry run counts' }, SLOW);
    expect([...counts.querySelectorAll('li')].map((l) => l.textContent)).toEqual(['Messages: 4', 'Changed: 3', 'Unchanged: 0', 'Failed: 1']);
    const rows = within(screen.getByRole('table', { name: 'Samples' })).getAllByRole('row');
    const changes = within(rows[1]!).getByRole('list', { name: 'Changes' });
    expect([...changes.querySelectorAll('li')].map((l) => l.textContent)).toEqual(['telemetry[0].values.temp: 25.1 → —', 'telemetry[0].values.temperature: — → 25.1']);
    // both outputs in full, one click away
    expect(within(rows[1]!).getByLabelText('Before').textContent).toContain('"temp": 25.1');
    expect(within(rows[1]!).getByLabelText('After').textContent).toContain('"temperature": 25.1');
    expect(rows[2]!.textContent).toContain('The current version fails: TypeError: boom');
    expect(calls.find((c) => c.url.endsWith('/replay'))!.body).toEqual({
      startTs: new Date('2026-12-06T05:00').getTime(),
      endTs: new Date('2026-12-06T06:00').getTime(),
      integrationId: 'i-1',
      deviceName: 'SN-001',
      dryRun: true,
    });
  });

  it('refuses a window whose start is not before its end, without asking the server', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    const { calls } = fakeFetch((c) => (c.url.startsWith('/api/integrations') ? [200, page([])] : [200, dry]));
    renderAt(<ReplayDialog converterId={ID} converterName="MQTT Uplink" onClose={() => undefined} />);
    fireEvent.change(screen.getByLabelText('Start'), { target: { value: '2026-12-06T07:00' } });
    fireEvent.change(screen.getByLabelText('End'), { target: { value: '2026-12-06T06:00' } });
    await userEvent.click(screen.getByRole('button', { name: 'Dry run' }));
    expect(await screen.findByText('The start must be before the end')).toBeTruthy();
    expect(calls.filter((c) => c.url.includes('/replay'))).toEqual([]);
  });

  it('applies as a job after asking, follows its progress, and shows what was stored', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    let finish = false;
    const { calls } = fakeFetch((c) => {
      if (c.url.startsWith('/api/integrations')) return [200, page([])];
      if (c.method === 'POST' && c.url === `/api/converter/${ID}/replay`) return [202, { jobId: 'j1' }];
      if (c.url === `/api/converter/${ID}/replay/j1`) {
        return [200, !finish ? job({ processed: 1 }) : job({ status: 'DONE', processed: 4, finishedTime: 2, result: { messages: 4, stored: 3, failed: 1 } })];
      }
      return [404, { message: 'unexpected' }];
    });
    renderAt(<ReplayDialog converterId={ID} converterName="MQTT Uplink" onClose={() => undefined} pollMs={50} />);
    await userEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await userEvent.click(within(await screen.findByRole('dialog', { name: 'Apply the replay?' })).getByRole('button', { name: 'Apply' }));
    expect(await screen.findByText('1 of 4 messages')).toBeTruthy();
    expect(await screen.findByRole('button', { name: 'Cancel replay' })).toBeTruthy();
    expect(screen.getByRole('progressbar', { name: 'Replay progress' }).getAttribute('aria-valuenow')).toBe('25');
    finish = true;
    const result = await screen.findByRole('list', { name: 'Replay result' });
    expect([...result.querySelectorAll('li')].map((l) => l.textContent)).toEqual(['Messages: 4', 'Stored: 3', 'Failed: 1']);
    expect(screen.getByText('Replay done.')).toBeTruthy();
    expect(screen.getByRole('progressbar', { name: 'Replay progress' }).getAttribute('aria-valuenow')).toBe('100');
    expect(calls.find((c) => c.method === 'POST')!.body).toMatchObject({ dryRun: false, async: true });
    expect(screen.queryByRole('button', { name: 'Cancel replay' })).toBeNull();
  });

  it('cancels a running job', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    let cancelled = false;
    const { calls } = fakeFetch((c) => {
      if (c.url.startsWith('/api/integrations')) return [200, page([])];
      if (c.method === 'POST') return [202, { jobId: 'j1' }];
      if (c.method === 'DELETE') {
        cancelled = true;
        return [200, undefined];
      }
      return [200, cancelled ? job({ status: 'CANCELLED', processed: 2, finishedTime: 2, result: { messages: 2, stored: 2, failed: 0 } }) : job({ processed: 2 })];
    });
    renderAt(<ReplayDialog converterId={ID} converterName="MQTT Uplink" onClose={() => undefined} pollMs={50} />);
    await userEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await userEvent.click(within(await screen.findByRole('dialog', { name: 'Apply the replay?' })).getByRole('button', { name: 'Apply' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Cancel replay' }));
    expect(await screen.findByText(/Replay cancelled after 2 of 4 messages/)).toBeTruthy();
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.url)).toEqual([`/api/converter/${ID}/replay/j1`]);
    await waitFor(() => expect(screen.getByRole('button', { name: 'Dry run' })).toBeTruthy());
  });

  it('opens from the uplink converter page, warning that unsaved edits are not what it replays', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    fakeFetch((c) => (c.url === `/api/converter/${ID}` ? [200, converterFixture(ID)] : [200, page([])]));
    renderAt(<ConverterPage />, { route: `/converters/${ID}`, path: '/converters/:id/:tab?' });
    await userEvent.type(await screen.findByLabelText(/^Name/, {}, SLOW), ' 2');
    await userEvent.click(screen.getByRole('button', { name: 'Replay' }));
    const dialog = await screen.findByRole('dialog', { name: 'Replay archived messages through MQTT Uplink 2' });
    expect(dialog.textContent).toContain('the replay uses the saved version');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('is not offered on a downlink converter', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    fakeFetch((c) => (c.url === `/api/converter/${ID}` ? [200, converterFixture(ID, { type: 'DOWNLINK', configuration: { scriptLang: 'JS', encoder: 'return {};' } })] : [200, page([])]));
    renderAt(<ConverterPage />, { route: `/converters/${ID}`, path: '/converters/:id/:tab?' });
    await screen.findByLabelText(/^Name/);
    expect(screen.queryByRole('button', { name: 'Replay' })).toBeNull();
  });
});
