import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { tokens } from '../../app/api';
import { integrationFixture } from '../../test/fixtures';
import { fakeFetch, page, renderAt } from '../../test/render';
import { IntegrationPage } from './IntegrationPage';
import type { QuarantinedMessage } from './quarantine.api';

/** the first render of a file takes seconds on a loaded machine */
const SLOW = { timeout: 15_000 };

const ID = '00000000-0000-4000-8000-000000000009';
const status = { status: 'CONNECTED' as const, messagesIn: 4, messagesOut: 0, errors: 1, lastMessageTime: null, quarantined: 2, lastError: "TypeError: Cannot read properties of undefined (reading 'value')" };
const integration = integrationFixture(ID, { status });
const msg = (n: number, payload: string, error: string, errorCode: string): QuarantinedMessage => ({
  id: `q${n}`,
  createdTime: 1_700_000_000_000 + n,
  integrationId: ID,
  converterId: 'c1',
  topic: `sensors/SN-00${n}/temperature`,
  payload: btoa(payload),
  metadata: {},
  error,
  errorCode,
  attempts: n,
  receivedTime: 1_700_000_000_000 + n,
});

function backend() {
  let rows = [msg(1, '{"v":1}', "TypeError: Cannot read properties of undefined (reading 'value')", 'SCRIPT_ERROR'), msg(2, '\u0001\u0002', 'deviceName is missing', 'INVALID_OUTPUT')];
  return fakeFetch((c) => {
    const url = new URL(c.url, 'http://x');
    if (url.pathname === `/api/integration/${ID}/quarantine/reprocess`) {
      const ids = (c.body as { ids?: string[] }).ids ?? rows.map((r) => r.id);
      rows = rows.filter((r) => !ids.includes(r.id) || r.id === 'q2');
      return [200, { reprocessed: ids.length, stored: ids.filter((i) => i !== 'q2').length, failed: ids.filter((i) => i === 'q2').length }];
    }
    if (url.pathname === `/api/integration/${ID}/quarantine` && c.method === 'DELETE') {
      const ids = url.searchParams.get('ids')?.split(',') ?? rows.map((r) => r.id);
      rows = rows.filter((r) => !ids.includes(r.id));
      return [200, { deleted: ids.length }];
    }
    if (url.pathname === `/api/integration/${ID}/quarantine`) return [200, page(rows)];
    if (url.pathname === `/api/integration/${ID}/status`) return [200, { ...status, quarantined: rows.length }];
    if (url.pathname === `/api/integration/${ID}`) return [200, integration];
    if (url.pathname === '/api/converters') return [200, page([])];
    return [200, {}];
  });
}

describe('Integration quarantine', () => {
  it('shows the quarantine count and the last error, and lists the messages with error, code, attempts and payload', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    backend();
    renderAt(<IntegrationPage />, { route: `/integrations/${ID}/quarantine`, path: '/integrations/:id/:tab?' });
    expect(await screen.findByRole('tab', { name: 'Quarantine (2)' }, SLOW)).toBeTruthy();
    expect(screen.getByText(/2 quarantined/)).toBeTruthy();
    expect(screen.getByLabelText('Last error').textContent).toContain("Cannot read properties of undefined (reading 'value')");
    const table = screen.getByRole('table', { name: 'Quarantined messages' });
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(3));
    const [, first, second] = within(table).getAllByRole('row');
    expect(first!.textContent).toContain('sensors/SN-001/temperature');
    expect(first!.textContent).toContain('SCRIPT_ERROR');
    expect(first!.textContent).toContain('{"v":1}');
    expect(second!.textContent).toContain('INVALID_OUTPUT');
    expect(second!.textContent).toContain('01 02'); // not text: hex
    expect(within(second!).getAllByRole('cell')[5]!.textContent).toBe('2');
  });

  it('reprocesses the selected message, then all; the one that fails again stays', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    const { calls } = backend();
    renderAt(<IntegrationPage />, { route: `/integrations/${ID}/quarantine`, path: '/integrations/:id/:tab?' });
    await userEvent.click(await screen.findByRole('checkbox', { name: /on sensors\/SN-001\/temperature/ }, SLOW));
    expect(screen.getByText('1 selected of 2')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Reprocess selected' }));
    expect(await screen.findByText('Reprocessed 1 message: 1 stored, 0 failed again')).toBeTruthy();
    expect(calls.find((c) => c.url.endsWith('/reprocess'))!.body).toEqual({ ids: ['q1'] });
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Quarantined messages' })).getAllByRole('row')).toHaveLength(2));
    expect(await screen.findByRole('tab', { name: 'Quarantine (1)' })).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Reprocess all' }));
    expect(await screen.findByText('Reprocessed 1 message: 0 stored, 1 failed again')).toBeTruthy();
    expect(calls.filter((c) => c.url.endsWith('/reprocess')).map((c) => c.body)).toEqual([{ ids: ['q1'] }, {}]);
  });

  it('deletes the selected messages after asking, then all', async () => {
    tokens.set({ token: 't', refreshToken: 'r' });
    const { calls } = backend();
    renderAt(<IntegrationPage />, { route: `/integrations/${ID}/quarantine`, path: '/integrations/:id/:tab?' });
    await userEvent.click(await screen.findByRole('checkbox', { name: /on sensors\/SN-002\/temperature/ }, SLOW));
    await userEvent.click(screen.getByRole('button', { name: 'Delete selected' }));
    await userEvent.click(within(await screen.findByRole('dialog', { name: 'Delete 1 selected message?' })).getByRole('button', { name: 'Delete' }));
    expect(await screen.findByText('Deleted 1 message')).toBeTruthy();
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Quarantined messages' })).getAllByRole('row')).toHaveLength(2));
    await userEvent.click(await screen.findByRole('button', { name: 'Delete all' }));
    await userEvent.click(within(await screen.findByRole('dialog', { name: 'Delete all 1 quarantined message?' })).getByRole('button', { name: 'Delete' }));
    expect(await screen.findByText('Nothing in quarantine')).toBeTruthy();
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.url)).toEqual([`/api/integration/${ID}/quarantine?ids=q2`, `/api/integration/${ID}/quarantine`]);
  });
});
